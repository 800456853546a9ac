package org.carerecord.idp.persona;

import java.util.List;
import org.carerecord.security.dev.DevCredentials;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Component;

/**
 * The user personas as sign-in accounts (name = persona id), each with its own password derived from the
 * install's master secret ({@code ./care-record password <persona>}): this identity provider stands in for
 * NHS CIS2 (smartcard) on a developer's machine and must never face real users. System clients cannot sign
 * in as users.
 */
@Component
class PersonaUsers implements UserDetailsService {

    private final Personas personas;
    private final DevCredentials credentials;

    public PersonaUsers(Personas personas, PersonaProperties properties) {
        this.personas = personas;
        this.credentials = new DevCredentials(properties.masterSecret());
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        Persona persona = personas.find(username)
                .filter(Persona::isUser)
                .orElseThrow(() -> new UsernameNotFoundException("no such user"));
        return User.withUsername(persona.id())
                .password("{noop}" + credentials.password(persona.id()))
                .authorities(
                        persona.nhsRole() == null
                                ? List.of()
                                : List.of(new SimpleGrantedAuthority("ROLE_" + persona.nhsRole())))
                .build();
    }
}
