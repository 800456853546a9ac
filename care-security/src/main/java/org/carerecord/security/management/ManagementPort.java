package org.carerecord.security.management;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The port the management server (metrics, full health) listens on, learnt when it starts (a test's is random), and
 * a matcher for the requests that arrive on it: the same security filter chain serves both ports, so the
 * management rules are picked by port, never by path (a path alone would also match on the public port).
 */
public final class ManagementPort implements ApplicationListener<WebServerInitializedEvent>, RequestMatcher {

    private static final String NAMESPACE = "management";

    private volatile int port = -1;

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        if (NAMESPACE.equals(event.getApplicationContext().getServerNamespace())) {
            port = event.getWebServer().getPort();
        }
    }

    @Override
    public boolean matches(HttpServletRequest request) {
        return request.getLocalPort() == port;
    }
}
