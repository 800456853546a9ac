package org.carerecord.security.region;

import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The region the record serves, as its users keep time: "today", "recent", "out of hours" and every date a
 * person reads are in its time zone. One setting for every service ({@code care.region.zone}, environment
 * {@code CARE_REGION_ZONE}), so the console's days, the alerts' hours and the summary's dates agree.
 *
 * @param zone the region's time zone (default Europe/London)
 */
@ConfigurationProperties("care.region")
public record CareRegion(@DefaultValue("Europe/London") ZoneId zone) {

    /** The default region, for code and tests built without Spring. */
    public static CareRegion standard() {
        return new CareRegion(ZoneId.of("Europe/London"));
    }
}
