package org.tessera.stack;

import java.util.Locale;

import org.tessera.config.Config;

/**
 * What a stack does, independent of how the work is cut (bands, frame blocks, CPU or GPU).
 * Names and defaults follow the config keys {@code stacking_*} of reference.md §4.
 */
public record StackParams(
        Normalize normalize,
        Weighting weighting,
        Rejection rejection,
        double kappaLow,
        double kappaHigh,
        Combine combine,
        boolean radialWeight,
        double radialFeather,
        double radialPower,
        double radialFloor) {

    public StackParams {
        if (normalize == null || weighting == null || rejection == null || combine == null)
            throw new IllegalArgumentException("stack parameters: methods must not be null");
        if (!(kappaLow >= 0) || !(kappaHigh >= 0) || Double.isInfinite(kappaLow) || Double.isInfinite(kappaHigh))
            throw new IllegalArgumentException("stacking kappas must be finite and >= 0, got " + kappaLow + ", " + kappaHigh);
        if (radialWeight && (!(radialFeather > 0) || !(radialPower > 0) || !(radialFloor >= 0) || radialFloor > 1))
            throw new IllegalArgumentException("radial weight: feather and power must be > 0 and floor in [0, 1], got "
                    + radialFeather + ", " + radialPower + ", " + radialFloor);
    }

    public enum Normalize { NONE, LINEAR_FIT, SKY_MEAN }

    public enum Weighting { NONE, NOISE_VARIANCE, NOISE_FWHM }

    public enum Rejection { NONE, KAPPA_SIGMA, WINSORIZED_SIGMA_CLIP, LINEAR_FIT_CLIP }

    public enum Combine { MEAN, MEDIAN }

    /** The original program's defaults. */
    public static StackParams defaults() {
        return new StackParams(Normalize.LINEAR_FIT, Weighting.NOISE_VARIANCE, Rejection.WINSORIZED_SIGMA_CLIP,
                3.0, 3.0, Combine.MEAN, false, 0.8, 2.0, 0.05);
    }

    /** A plain mean: no normalisation, no weights, no rejection. */
    public static StackParams plainMean() {
        return new StackParams(Normalize.NONE, Weighting.NONE, Rejection.NONE, 3.0, 3.0, Combine.MEAN,
                false, 0.8, 2.0, 0.05);
    }

    public static StackParams fromConfig(Config c) {
        return new StackParams(
                parse(Normalize.class, c.getString("stacking_normalize_method"), "stacking_normalize_method"),
                parse(Weighting.class, c.getString("stacking_weighting_method"), "stacking_weighting_method"),
                parse(Rejection.class, c.getString("stacking_rejection_algorithm"), "stacking_rejection_algorithm"),
                c.getDouble("stacking_kappa_low"), c.getDouble("stacking_kappa_high"),
                parse(Combine.class, c.getString("stacking_final_combine_method"), "stacking_final_combine_method"),
                c.getBoolean("apply_radial_weight"), c.getDouble("radial_feather_fraction"),
                c.getDouble("radial_shape_power"), 0.05);
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String value, String key) {
        if (value == null) throw new IllegalArgumentException(key + " is not set");
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            StringBuilder ok = new StringBuilder();
            for (E v : type.getEnumConstants()) ok.append(ok.length() == 0 ? "" : ", ").append(v.name().toLowerCase(Locale.ROOT));
            throw new IllegalArgumentException(key + ": unknown value '" + value + "' (expected one of " + ok + ")");
        }
    }

    public StackParams with(Rejection r, Combine cmb) {
        return new StackParams(normalize, weighting, r, kappaLow, kappaHigh, cmb, radialWeight, radialFeather,
                radialPower, radialFloor);
    }

    public StackParams with(Normalize n, Weighting w) {
        return new StackParams(n, w, rejection, kappaLow, kappaHigh, combine, radialWeight, radialFeather,
                radialPower, radialFloor);
    }

    public StackParams withKappa(double low, double high) {
        return new StackParams(normalize, weighting, rejection, low, high, combine, radialWeight, radialFeather,
                radialPower, radialFloor);
    }

    /** Radial weight on or off with the given shape (feather fraction, power, floor). */
    public StackParams withRadial(boolean on, double feather, double power, double floor) {
        return new StackParams(normalize, weighting, rejection, kappaLow, kappaHigh, combine, on, feather, power,
                floor);
    }

    /** The config spelling of a method, e.g. {@code winsorized_sigma_clip}. */
    public static String configName(Enum<?> method) {
        return method.name().toLowerCase(Locale.ROOT);
    }

    /** One line for logs and headers. */
    public String describe() {
        String s = String.format(Locale.ROOT, "normalize=%s weighting=%s rejection=%s kappa=%.3g/%.3g combine=%s",
                configName(normalize), configName(weighting), configName(rejection), kappaLow, kappaHigh,
                configName(combine));
        if (radialWeight)
            s += String.format(Locale.ROOT, " radial(feather=%.3g power=%.3g floor=%.3g)", radialFeather, radialPower,
                    radialFloor);
        return s;
    }
}
