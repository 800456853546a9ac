package org.carerecord.security.token;

import java.util.ArrayList;
import java.util.Collection;
import org.carerecord.security.region.CareRegion;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;

/**
 * Every service maps a token the same way: the identity provider's claim names become this record's
 * ({@link IdentityClaimMapping}, applied to every decoded token), each scope becomes {@code SCOPE_<scope>}
 * and the NHS role becomes {@code ROLE_<code>}, so {@code hasRole("R0001")} reads naturally in security rules.
 * Issuer, JWKS and audience come from Spring Boot's resource-server properties.
 */
@AutoConfiguration
@EnableConfigurationProperties({IdentityClaimMapping.class, CareRegion.class})
public class CareTokenAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    JwtAuthenticationConverter jwtAuthenticationConverter() {
        JwtGrantedAuthoritiesConverter scopes = new JwtGrantedAuthoritiesConverter();
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(jwt -> {
            Collection<GrantedAuthority> authorities = new ArrayList<>(scopes.convert(jwt));
            String role = jwt.getClaimAsString(CareClaims.NHS_ROLE);
            if (role != null && !role.isBlank()) {
                authorities.add(new SimpleGrantedAuthority("ROLE_" + role));
            }
            return authorities;
        });
        return converter;
    }

    /** Wraps Spring Boot's decoder (keeping its issuer, audience and signature checks) with the claim mapping. */
    @Bean
    static BeanPostProcessor identityClaimMappingDecoder(ObjectProvider<IdentityClaimMapping> mapping) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof JwtDecoder decoder) {
                    return (JwtDecoder) token -> mapping.getObject().normalise(decoder.decode(token));
                }
                return bean;
            }
        };
    }
}
