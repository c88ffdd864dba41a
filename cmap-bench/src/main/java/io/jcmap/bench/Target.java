package io.jcmap.bench;

import java.util.Locale;

/** What a row of the comparison must reach: a bound on its ratio or value, or nothing. */
sealed interface Target {

    /** PASS, FAIL, or "-" when there is no target or nothing to judge. */
    String verdict(double judged);

    /** How the target reads in the table, e.g. "<= 1.00". */
    String describe();

    /** The judged figure must not exceed {@code limit}. */
    record AtMost(double limit) implements Target {
        @Override
        public String verdict(double judged) {
            return Double.isNaN(judged) ? "-" : judged <= limit ? "PASS" : "FAIL";
        }

        @Override
        public String describe() {
            return String.format(Locale.ROOT, "<= %s", Fmt.plain(limit));
        }
    }

    /** The judged figure must reach at least {@code limit}. */
    record AtLeast(double limit) implements Target {
        @Override
        public String verdict(double judged) {
            return Double.isNaN(judged) ? "-" : judged >= limit ? "PASS" : "FAIL";
        }

        @Override
        public String describe() {
            return String.format(Locale.ROOT, ">= %s", Fmt.plain(limit));
        }
    }

    /** Shown for information only. */
    record None() implements Target {
        @Override
        public String verdict(double judged) {
            return "-";
        }

        @Override
        public String describe() {
            return "-";
        }
    }
}
