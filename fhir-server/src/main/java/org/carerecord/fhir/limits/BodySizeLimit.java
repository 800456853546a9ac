package org.carerecord.fhir.limits;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.carerecord.security.token.OperationOutcomeErrors;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A body over the limit is refused with 413 before it is parsed: by its declared length at once, and a body
 * sent without one (chunked) as soon as it has read past the limit. A 50 MB bundle was otherwise parsed and
 * validated for seconds before anything was said.
 */
@Configuration(proxyBeanMethods = false)
class BodySizeLimit {

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> bodySizeLimitFilter(RequestLimitsProperties limits) {
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(new Filter(limits));
        registration.addUrlPatterns("/fhir/*");
        return registration;
    }

    static final class Filter extends OncePerRequestFilter {

        private final RequestLimitsProperties limits;

        Filter(RequestLimitsProperties limits) {
            this.limits = limits;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            long limit =
                    (request.getRequestURI().endsWith("/$load") ? limits.maxBulkBody() : limits.maxBody()).toBytes();
            if (request.getContentLengthLong() > limit) {
                tooLarge(response, limit);
                return;
            }
            try {
                chain.doFilter(new Limited(request, limit), response);
            } catch (BodyTooLarge e) {
                if (!response.isCommitted()) {
                    response.reset();
                    tooLarge(response, limit);
                }
            }
        }

        private static void tooLarge(HttpServletResponse response, long limit) throws IOException {
            response.setStatus(413);
            OperationOutcomeErrors.write(response, "too-costly", BodyTooLarge.message(limit));
        }
    }

    private static final class Limited extends HttpServletRequestWrapper {

        private final long limit;
        private ServletInputStream counted;

        Limited(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (counted == null) {
                ServletInputStream in = super.getInputStream();
                counted = new ServletInputStream() {
                    private long read;

                    @Override
                    public int read() throws IOException {
                        int b = in.read();
                        if (b >= 0) {
                            count(1);
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] buffer, int offset, int length) throws IOException {
                        int n = in.read(buffer, offset, length);
                        if (n > 0) {
                            count(n);
                        }
                        return n;
                    }

                    private void count(long n) throws BodyTooLarge {
                        read += n;
                        if (read > limit) {
                            throw new BodyTooLarge(limit);
                        }
                    }

                    @Override
                    public boolean isFinished() {
                        return in.isFinished();
                    }

                    @Override
                    public boolean isReady() {
                        return in.isReady();
                    }

                    @Override
                    public void setReadListener(ReadListener listener) {
                        in.setReadListener(listener);
                    }
                };
            }
            return counted;
        }
    }
}
