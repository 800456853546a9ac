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
            BarChart viewsByOrganisation,
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

        BarChart viewsChart =
                BarChart.of("Record views per day, by organisation", categories, series(views, calendar, k -> k), true);
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
                viewsChart.total(),
                sum(denialSeries.get(0).values()),
                sum(denialSeries.get(1).values()),
                viewsChart,
                roleChart,
                denialsChart);
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
