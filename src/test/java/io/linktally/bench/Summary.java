package io.linktally.bench;

import java.util.Locale;

/**
 * One machine-readable line per headline figure of a benchmark, beside its own markdown table:
 * {@code scripts/bench/all} gathers these lines from every benchmark into one table.
 */
final class Summary {
    static final String PREFIX = "SUMMARY\t";

    private Summary() {
    }

    /** A figure, and the reference it is measured against in the same run (Kafka's perf tools, the HTTP ceiling). */
    static void print(String benchmark, String measure, double value, String unit, String reference, double referenceValue) {
        System.out.println(PREFIX + String.join("\t", benchmark, measure, number(value), unit, reference, number(referenceValue),
                String.format(Locale.ROOT, "%.2f", value / referenceValue)));
    }

    /** A figure with no reference. */
    static void print(String benchmark, String measure, double value, String unit) {
        System.out.println(PREFIX + String.join("\t", benchmark, measure, number(value), unit, "", "", ""));
    }

    private static String number(double value) {
        return value >= 100 ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.2f", value);
    }
}
