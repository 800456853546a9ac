package org.carerecord.idp.smart;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * SMART on FHIR apps registered with this identity provider, the FHIR servers it issues tokens for, and
 * the simulated clinical system's patient list.
 *
 * @param fhirBaseUrls  the FHIR base URLs an app may name as {@code aud} (SMART: the server checks it, so a
 *                      token is never handed to a look-alike server)
 * @param apps          registered SMART apps
 * @param ehrPatients   the patients the simulated clinical system lists (the demo's); a real EHR has its own
 * @param launchMinutes how long an EHR launch may be redeemed
 */
@ConfigurationProperties("care.idp.smart")
public record SmartProperties(
        List<String> fhirBaseUrls, List<App> apps, List<EhrPatient> ehrPatients, Integer launchMinutes) {

    public SmartProperties {
        fhirBaseUrls = fhirBaseUrls == null ? List.of() : fhirBaseUrls;
        apps = apps == null ? List.of() : apps;
        ehrPatients = ehrPatients == null ? List.of() : ehrPatients;
        launchMinutes = launchMinutes == null ? 10 : launchMinutes;
    }

    /** The registered app with this client id, if any. */
    public java.util.Optional<App> app(String clientId) {
        return apps.stream().filter(a -> a.clientId().equals(clientId)).findFirst();
    }

    public boolean isApp(String clientId) {
        return app(clientId).isPresent();
    }

    /**
     * @param clientId     the app's client id
     * @param name         shown to the user
     * @param confidential true: the app holds a secret (derived per install, {@code ./care-record token}'s
     *                     master); false: a public browser or native app, PKCE alone
     * @param redirectUris exact redirect URIs; a loopback one ({@code http://127.0.0.1/callback}) accepts any
     *                     port (RFC 8252)
     * @param launchUri    where the simulated clinical system sends an EHR launch; null if it does not
     */
    public record App(
            String clientId, String name, boolean confidential, List<String> redirectUris, String launchUri) {}

    /** The simulated clinical system's entry for this patient, if listed. */
    public java.util.Optional<EhrPatient> ehrPatient(String id) {
        return ehrPatients.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    /**
     * A patient on the simulated clinical system's list.
     *
     * @param encounter      the encounter the clinical system is in for this patient (a current admission), launched
     *                       as SMART encounter context; null if none
     * @param encounterTitle what the list shows of it
     */
    public record EhrPatient(
            String id, String name, String nhsNumber, String birthDate, String encounter, String encounterTitle) {}
}
