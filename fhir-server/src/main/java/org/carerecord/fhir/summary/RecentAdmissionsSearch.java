package org.carerecord.fhir.summary;

import ca.uhn.fhir.jpa.ips.api.IpsSectionContext;
import ca.uhn.fhir.jpa.ips.jpa.JpaSectionSearchStrategy;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import jakarta.annotation.Nonnull;
import java.time.Clock;
import java.time.Period;
import java.time.ZoneId;
import java.util.Date;
import org.hl7.fhir.r4.model.Encounter;

/**
 * Hospital stays and emergency attendances (encounter class inpatient, emergency, short stay, observation)
 * in the last {@code window}: what a clinician means by "recent admissions". Cancelled and entered-in-error
 * encounters are left out.
 */
final class RecentAdmissionsSearch extends JpaSectionSearchStrategy<Encounter> {

    static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    private static final String[] HOSPITAL_CLASSES = {"IMP", "ACUTE", "NONAC", "EMER", "SS", "OBSENC"};

    private final Clock clock;
    private final ZoneId region;
    private final Period window;

    RecentAdmissionsSearch(Clock clock, ZoneId region, Period window) {
        this.clock = clock;
        this.region = region;
        this.window = window;
    }

    @Override
    public void massageResourceSearch(
            @Nonnull IpsSectionContext<Encounter> context, @Nonnull SearchParameterMap search) {
        TokenOrListParam classes = new TokenOrListParam();
        for (String code : HOSPITAL_CLASSES) {
            classes.add(ACT_CODE, code);
        }
        search.add(Encounter.SP_CLASS, classes);
        Date since = Date.from(clock.instant().atZone(region).minus(window).toInstant());
        search.add(Encounter.SP_DATE, new DateParam(ParamPrefixEnum.GREATERTHAN_OR_EQUALS, since));
    }

    @Override
    public boolean shouldInclude(@Nonnull IpsSectionContext<Encounter> context, @Nonnull Encounter candidate) {
        return candidate.getStatus() != Encounter.EncounterStatus.CANCELLED
                && candidate.getStatus() != Encounter.EncounterStatus.ENTEREDINERROR;
    }
}
