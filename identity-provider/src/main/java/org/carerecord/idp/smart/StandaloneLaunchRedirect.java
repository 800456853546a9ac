package org.carerecord.idp.smart;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.Set;
import org.carerecord.idp.persona.Personas;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
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

    private final Set<String> smartClients;
    private final Personas personas;

    public StandaloneLaunchRedirect(SmartProperties properties, Personas personas) {
        this.smartClients = Set.copyOf(properties.apps().stream().map(SmartProperties.App::clientId).toList());
        this.personas = personas;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"GET".equals(request.getMethod()) || !"/oauth2/authorize".equals(request.getServletPath());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication user = SecurityContextHolder.getContext().getAuthentication();
        boolean signedIn = user != null && user.isAuthenticated() && !(user instanceof AnonymousAuthenticationToken);
        String scope = request.getParameter("scope");
        boolean wantsPatient = scope != null && Arrays.asList(scope.split(" ")).contains("launch/patient");
        if (signedIn && wantsPatient && request.getParameter("launch") == null
                && smartClients.contains(request.getParameter("client_id"))
                && personas.find(user.getName()).map(p -> p.patient() == null).orElse(false)) {
            response.sendRedirect(request.getContextPath() + PICKER + "?" + request.getQueryString());
            return;
        }
        chain.doFilter(request, response);
    }
}
