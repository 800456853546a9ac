package org.carerecord.idp.smart;

import org.carerecord.security.web.BrowserOrigins;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.cors.CorsConfigurationSource;

/** The token, JWKS and discovery endpoints answer browser calls from the registered SMART apps' origins only. */
@Configuration(proxyBeanMethods = false)
class RegisteredAppOrigins {

    @Bean
    CorsConfigurationSource registeredOrigins(SmartProperties smart) {
        return BrowserOrigins.allowing(BrowserOrigins.ofRedirectUris(
                smart.apps().stream().flatMap(a -> a.redirectUris().stream()).toList()));
    }
}
