package org.carerecord.idp.smart;

import java.time.Instant;

/**
 * What an app is launched for (SMART launch context), bound to the user who launched it.
 *
 * @param user              the signed-in user the launch belongs to; no one else may redeem it
 * @param clientId          the app it was started for; no other app may redeem it
 * @param patient           the patient in context
 * @param encounter         the encounter in context, or null
 * @param needPatientBanner true when the app must show the patient banner itself (it runs outside the EHR's frame)
 * @param expires           when the launch can no longer be redeemed
 */
public record LaunchContext(
        String user, String clientId, String patient, String encounter, boolean needPatientBanner, Instant expires) {}
