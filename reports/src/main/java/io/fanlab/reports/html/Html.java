package io.fanlab.reports.html;

import java.util.Locale;

/** HTML escaping and number formatting for the report. Pure functions; thread-safe. */
final class Html {

    private Html() {
    }

    /** Escapes text for element content and double- or single-quoted attribute values. */
    static String esc(String s) {
        if (s == null) return "";
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** A number for tables: 4 significant digits, thousands kept whole; "—" for NaN/absent. */
    static String num(double v) {
        if (Double.isNaN(v)) return "\u2014";
        if (Double.isInfinite(v)) return v > 0 ? "\u221E" : "-\u221E";
        double a = Math.abs(v);
        if (a >= 1000) return String.format(Locale.ROOT, "%,.0f", v);
        if (a == 0) return "0";
        if (a >= 100) return String.format(Locale.ROOT, "%.1f", v);
        if (a >= 0.01) return strip(String.format(Locale.ROOT, "%.3f", v));
        return String.format(Locale.ROOT, "%.3g", v);
    }

    /** A ratio as a percentage with one decimal; "—" for NaN. */
    static String pct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f%%", v * 100) : "\u2014";
    }

    /** data-v attribute value for sorting (raw number, empty for NaN). */
    static String dv(double v) {
        return Double.isFinite(v) ? " data-v=\"" + v + "\"" : " data-v=\"\"";
    }

    private static String strip(String s) {
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}
