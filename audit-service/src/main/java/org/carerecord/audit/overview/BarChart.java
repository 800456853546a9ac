package org.carerecord.audit.overview;

import java.util.ArrayList;
import java.util.List;

/**
 * A bar chart laid out for server-rendered SVG (no JavaScript): categories along the bottom, one or more
 * series either stacked or side by side, a scale on the left and a legend. The page also shows the
 * figures as a table, which is what a screen reader reads.
 */
public record BarChart(
        String title,
        List<String> categories,
        List<Series> series,
        List<Bar> bars,
        List<Label> labels,
        List<Tick> ticks,
        List<Legend> legend,
        long total) {

    public record Series(String name, String colour, long[] values) {}

    public record Bar(double x, double y, double width, double height, String colour, String tooltip) {}

    public record Label(double x, double y, String text) {}

    public record Tick(double y, String text) {}

    public record Legend(double x, String colour, String text) {}

    /** NHS identity palette: blue, dark blue, warm yellow, aqua green, purple, pink, grey, orange. */
    static final String[] COLOURS = {
        "#005eb8", "#003087", "#ffb81c", "#00a499", "#330072", "#ae2573", "#768692", "#ed8b00"
    };

    public static final double WIDTH = 720;
    public static final double HEIGHT = 280;
    private static final double LEFT = 48;
    private static final double TOP = 34;
    private static final double BOTTOM = 40;

    public static BarChart of(String title, List<String> categories, List<Series> series, boolean stacked) {
        long max = 1;
        long total = 0;
        for (int c = 0; c < categories.size(); c++) {
            long stack = 0;
            for (Series s : series) {
                stack = stacked ? stack + s.values()[c] : Math.max(stack, s.values()[c]);
                total += s.values()[c];
            }
            max = Math.max(max, stack);
        }
        long top = niceCeiling(max);
        double plotHeight = HEIGHT - TOP - BOTTOM;
        double slot = (WIDTH - LEFT - 8) / Math.max(1, categories.size());
        double barWidth = stacked ? slot * 0.7 : slot * 0.8 / Math.max(1, series.size());
        List<Bar> bars = new ArrayList<>();
        List<Label> labels = new ArrayList<>();
        for (int c = 0; c < categories.size(); c++) {
            double x0 = LEFT + c * slot + (slot - (stacked ? barWidth : barWidth * series.size())) / 2;
            double base = HEIGHT - BOTTOM;
            for (int s = 0; s < series.size(); s++) {
                long value = series.get(s).values()[c];
                double h = plotHeight * value / top;
                double x = stacked ? x0 : x0 + s * barWidth;
                double y = stacked ? base - h : HEIGHT - BOTTOM - h;
                if (value > 0) {
                    bars.add(new Bar(
                            round(x),
                            round(y),
                            round(barWidth),
                            round(h),
                            series.get(s).colour(),
                            categories.get(c) + ", " + series.get(s).name() + ": " + value));
                }
                if (stacked) {
                    base -= h;
                }
            }
            if (categories.size() <= 16 || c % 2 == 0) {
                labels.add(new Label(round(LEFT + c * slot + slot / 2), HEIGHT - BOTTOM + 16, categories.get(c)));
            }
        }
        List<Tick> ticks = new ArrayList<>();
        for (int i = 0; i <= 4; i++) {
            ticks.add(new Tick(round(HEIGHT - BOTTOM - plotHeight * i / 4), String.format("%,d", top * i / 4)));
        }
        List<Legend> legend = new ArrayList<>();
        double x = LEFT;
        for (Series s : series) {
            legend.add(new Legend(round(x), s.colour(), s.name()));
            x += 24 + 7.5 * s.name().length();
        }
        return new BarChart(title, categories, series, bars, labels, ticks, legend, total);
    }

    static String colour(int index) {
        return COLOURS[index % COLOURS.length];
    }

    /** The top of the scale: four steps of 1, 2 or 5 × 10^n, at or above the largest value. */
    static long niceCeiling(long max) {
        for (long step = 1; ; step *= 10) {
            for (long m : new long[] {1, 2, 5}) {
                if (m * step * 4 >= max) {
                    return m * step * 4;
                }
            }
        }
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
