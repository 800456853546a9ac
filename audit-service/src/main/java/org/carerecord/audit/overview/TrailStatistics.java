package org.carerecord.audit.overview;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.carerecord.security.region.CareRegion;
import org.carerecord.security.token.NhsRoles;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The overview's figures over the last days, by the region's calendar: record views per day by
 * organisation, views by role, refusals and break-glass per day. "Views" are users' reads and searches
 * that were served; system feeds are counted nowhere here.
 */
@Repository
public class TrailStatistics {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM", Locale.UK);

    public record Overview(
            int days,
            long views,
            long refusals,
            long breakGlass,
            List<BarChart> viewsByOrganisation,
            BarChart viewsByRole,
            BarChart refusalsAndBreakGlass) {}

    private record Count(LocalDate day, String key, long count) {}

    private final JdbcClient jdbc;
    /** The region's calendar: what "a day" is. */
    private final ZoneId region;

    public TrailStatistics(JdbcClient jdbc, CareRegion region) {
        this.jdbc = jdbc;
        this.region = region.zone();
    }

    public Overview overview(int days) {
        LocalDate today = LocalDate.now(region);
        LocalDate first = today.minusDays(days - 1L);
        List<LocalDate> calendar = first.datesUntil(today.plusDays(1)).toList();
        List<String> categories = calendar.stream().map(DAY::format).toList();
        Timestamp since = Timestamp.from(first.atStartOfDay(region).toInstant());

        List<Count> views = counts(
                "coalesce(organisation, 'unknown')",
                "user_role is not null and outcome = '0' and action in ('R', 'E')",
                since);
        List<Count> byRole =
                counts("user_role", "user_role is not null and outcome = '0' and action in ('R', 'E')", since);
        List<Count> refusals = counts("'refused'", "user_id is not null and outcome <> '0'", since);
        List<Count> breakGlass = counts("'break-glass'", "purpose in ('ETREAT', 'BTG')", since);

        // one small chart per organisation, each on its own scale: on one shared scale a busy trust hides the
        // practices (the busiest first; beyond eight, the rest together)
        List<BarChart.Series> byOrganisation = new ArrayList<>(series(views, calendar, k -> k));
        byOrganisation.sort(java.util.Comparator.comparingLong((BarChart.Series x) -> sum(x.values()))
                .reversed());
        List<BarChart> organisationCharts = new ArrayList<>();
        for (int i = 0; i < Math.min(byOrganisation.size(), ORGANISATION_CHARTS); i++) {
            organisationCharts.add(organisationChart(byOrganisation.get(i), categories, i));
        }
        if (byOrganisation.size() > ORGANISATION_CHARTS) {
            List<BarChart.Series> rest = byOrganisation.subList(ORGANISATION_CHARTS, byOrganisation.size());
            long[] together = new long[calendar.size()];
            rest.forEach(x -> java.util.Arrays.setAll(together, d -> together[d] + x.values()[d]));
            organisationCharts.add(organisationChart(
                    new BarChart.Series(
                            rest.size() + " other organisations", BarChart.colour(ORGANISATION_CHARTS), together),
                    categories,
                    ORGANISATION_CHARTS));
        }
        long totalViews =
                byOrganisation.stream().mapToLong(x -> sum(x.values())).sum();
        Map<String, Long> roleTotals = new LinkedHashMap<>();
        byRole.forEach(c -> roleTotals.merge(c.key(), c.count(), Long::sum));
        List<String> roles = roleTotals.keySet().stream().sorted().toList();
        BarChart roleChart = BarChart.of(
                "Record views by role, last " + days + " days",
                roles.stream().map(r -> r + " " + NhsRoles.name(r)).toList(),
                List.of(new BarChart.Series(
                        "Views",
                        BarChart.colour(0),
                        roles.stream().mapToLong(roleTotals::get).toArray())),
                false);
        List<BarChart.Series> denialSeries = new ArrayList<>();
        denialSeries.add(new BarChart.Series("Refused", "#d5281b", perDay(refusals, calendar)));
        denialSeries.add(new BarChart.Series("Break-glass", "#ffb81c", perDay(breakGlass, calendar)));
        BarChart denialsChart = BarChart.of("Refusals and break-glass per day", categories, denialSeries, false);
        return new Overview(
                days,
                totalViews,
                sum(denialSeries.get(0).values()),
                sum(denialSeries.get(1).values()),
                organisationCharts,
                roleChart,
                denialsChart);
    }

    private static final int ORGANISATION_CHARTS = 8;

    private static BarChart organisationChart(BarChart.Series views, List<String> categories, int index) {
        return BarChart.of(
                "Record views per day: " + views.name() + " (" + String.format("%,d", sum(views.values())) + ")",
                categories,
                List.of(new BarChart.Series("Views", BarChart.colour(index), views.values())),
                false);
    }

    private List<Count> counts(String key, String where, Timestamp since) {
        return jdbc.sql("select (recorded at time zone :zone)::date as day, " + key + " as key, count(*) as n"
                        + " from audit_event where recorded >= :since and " + where + " group by 1, 2")
                .param("zone", region.getId())
                .param("since", since)
                .query((rs, row) -> new Count(rs.getDate("day").toLocalDate(), rs.getString("key"), rs.getLong("n")))
                .list();
    }

    private static List<BarChart.Series> series(
            List<Count> counts, List<LocalDate> calendar, java.util.function.Function<String, String> name) {
        List<String> keys = counts.stream().map(Count::key).distinct().sorted().toList();
        List<BarChart.Series> series = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            series.add(new BarChart.Series(
                    name.apply(key),
                    BarChart.colour(i),
                    perDay(counts.stream().filter(c -> c.key().equals(key)).toList(), calendar)));
        }
        return series;
    }

    private static long[] perDay(List<Count> counts, List<LocalDate> calendar) {
        long[] values = new long[calendar.size()];
        for (Count c : counts) {
            int index = calendar.indexOf(c.day());
            if (index >= 0) {
                values[index] += c.count();
            }
        }
        return values;
    }

    private static long sum(long[] values) {
        long total = 0;
        for (long v : values) {
            total += v;
        }
        return total;
    }
}
