package org.carerecord.idp.smart;

import java.security.Principal;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Two pages a signed-in clinician meets around a SMART launch:
 * <ul>
 *   <li>{@code /ehr} — a simulated clinical system: the patient list of a GP or ward system, where "Shared
 *       care record" EHR-launches a registered app for that patient (what EMIS or SystmOne would do), and for
 *       a patient on a ward, in the context of their admission;</li>
 *   <li>{@code /smart/select-patient} — the patient picker of a standalone launch.</li>
 * </ul>
 * Both end in a launch id bound to the user, which the authorization request then redeems.
 */
@Controller
public class SmartLaunchPages {

    private static final String PATIENT_ID = "[A-Za-z0-9\\-.]{1,64}";

    private final SmartProperties properties;
    private final LaunchContexts launches;

    SmartLaunchPages(SmartProperties properties, LaunchContexts launches) {
        this.properties = properties;
        this.launches = launches;
    }

    @GetMapping("/ehr")
    String ehr(Model model, Principal user) {
        model.addAttribute("user", user.getName());
        model.addAttribute("patients", properties.ehrPatients());
        model.addAttribute(
                "apps",
                properties.apps().stream().filter(a -> a.launchUri() != null).toList());
        return "ehr";
    }

    @PostMapping("/ehr/launch")
    String ehrLaunch(@RequestParam String patient, @RequestParam("app") String clientId, Principal user) {
        Optional<SmartProperties.App> app = properties.app(clientId).filter(a -> a.launchUri() != null);
        if (app.isEmpty()
                || !patient.matches(PATIENT_ID)
                || properties.fhirBaseUrls().isEmpty()) {
            return "redirect:/ehr?error";
        }
        // the encounter the clinical system is in for this patient (its own record, never the form's say)
        String encounter = properties
                .ehrPatient(patient)
                .map(SmartProperties.EhrPatient::encounter)
                .orElse(null);
        // opened full-window from the clinical system, the app shows its own patient banner
        String launch = launches.create(user.getName(), clientId, patient, encounter, true);
        return "redirect:"
                + UriComponentsBuilder.fromUriString(app.get().launchUri())
                        .queryParam("iss", properties.fhirBaseUrls().get(0))
                        .queryParam("launch", launch)
                        .encode()
                        .build()
                        .toUriString();
    }

    @GetMapping(StandaloneLaunchRedirect.PICKER)
    String picker(
            @RequestParam("client_id") String clientId,
            Model model,
            Principal user,
            jakarta.servlet.http.HttpServletRequest request) {
        return pickerPage(model, user, request.getQueryString(), clientId, null);
    }

    private String pickerPage(Model model, Principal user, String authorizationQuery, String clientId, String error) {
        model.addAttribute("user", user.getName());
        model.addAttribute("patients", properties.ehrPatients());
        model.addAttribute("request", authorizationQuery);
        model.addAttribute(
                "app", properties.app(clientId).map(SmartProperties.App::name).orElse(clientId));
        if (error != null) {
            model.addAttribute("error", error);
        }
        return "select-patient";
    }

    @PostMapping(StandaloneLaunchRedirect.PICKER)
    String picked(
            @RequestParam("request") String authorizationQuery,
            @RequestParam(required = false) String patient,
            @RequestParam(name = "patientId", required = false) String typed,
            Principal user,
            Model model) {
        String chosen = typed != null && !typed.isBlank() ? typed.trim() : patient;
        if (!authorizationQuery.matches("[\\x21-\\x7e]{1,4000}")) {
            return "redirect:/ehr?error";
        }
        // the app's own request, resumed with the choice: only a query string is taken, never a location
        List<String> parts = List.of(authorizationQuery.split("&"));
        String clientId = parts.stream()
                .filter(p -> p.startsWith("client_id="))
                .map(p -> p.substring("client_id=".length()))
                .map(v -> java.net.URLDecoder.decode(v, java.nio.charset.StandardCharsets.UTF_8))
                .findFirst()
                .orElse("");
        if (chosen == null || !chosen.matches(PATIENT_ID)) {
            return pickerPage(model, user, authorizationQuery, clientId, "Choose a patient, or enter their record id");
        }
        String launch = launches.create(user.getName(), clientId, chosen, null, true);
        String query = String.join(
                "&", parts.stream().filter(p -> !p.startsWith("launch=")).toList());
        return "redirect:/oauth2/authorize?" + query + "&launch=" + launch;
    }
}
