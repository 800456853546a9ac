package org.carerecord.idp.smart;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.function.Predicate;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Standalone launch with {@code launch/patient}: the app was opened on its own, so the signed-in clinician
 * chooses the patient before the app is authorised (the patient picker), and the choice becomes a launch id
 * like an EHR's. Patients signing in need no picker: their own record is the context.
 */
public final class StandaloneLaunchRedirect extends OncePerRequestFilter {

    static final String PICKER = "/smart/select-patient";

    private static final AuthenticationTrustResolver SIGNED_IN = new AuthenticationTrustResolverImpl();

    private final SmartProperties apps;
    private final Predicate<String> choosesPatient;

    /** @param choosesPatient whether this signed-in user picks a patient (a clinician: yes; a patient: their own record) */
    public StandaloneLaunchRedirect(SmartProperties properties, Predicate<String> choosesPatient) {
        this.apps = properties;
        this.choosesPatient = choosesPatient;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"GET".equals(request.getMethod()) || !"/oauth2/authorize".equals(request.getServletPath());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication user = SecurityContextHolder.getContext().getAuthentication();
        String scope = request.getParameter("scope");
        boolean wantsPatient = scope != null && Arrays.asList(scope.split(" ")).contains("launch/patient");
        if (SIGNED_IN.isAuthenticated(user)
                && wantsPatient
                && request.getParameter("launch") == null
                && apps.isApp(request.getParameter("client_id"))
                && choosesPatient.test(user.getName())) {
            response.sendRedirect(request.getContextPath() + PICKER + "?" + request.getQueryString());
            return;
        }
        chain.doFilter(request, response);
    }
}
