package org.tessera.reproject;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import nom.tam.fits.Header;
import nom.tam.fits.HeaderCardException;

import org.tessera.io.FitsDates;
import org.tessera.io.Frame;

/**
 * What a mosaic's header says about the observation, gathered from the images coadded (master
 * tiles carry it, {@code tiles.TileHeaders}): without it the mosaic names no object, no date and no
 * exposure, and an astronomer's software (photometry, archives, Siril's and PixInsight's
 * integration-time readouts) has nothing to go on.
 * <ul>
 * <li>{@code OBJECT}, {@code FILTER}, {@code INSTRUME}, {@code TELESCOP}, {@code BUNIT}: the value
 * every image that has the card agrees on; left out when they differ (a mosaic of two targets) or
 * when a master tile names it in {@code MT_MIXED} (its own frames differ).</li>
 * <li>{@code EXPTOTAL}, {@code NEXP_SUM}: the sums over the images, when every image has the card.</li>
 * <li>{@code EXPTIME}: the exposure of one frame when every image gives the same one: a mosaic is a
 * mean of frames (each master tile normalised onto its reference frame), so its pixel values are
 * counts per exposure of that length, and photometry software divides by {@code EXPTIME} for count
 * rates (IRAF's {@code imcombine} writes the same for an average). Left out when the exposures
 * differ, where no single value is the pixel values' unit, unless the coadd put the images on one
 * exposure (the photometric match's exposure prior): then that one ({@link #inUnitOf}). Images
 * that agree on an {@code EXPTIME} one of them calls a scaled unit (a master tile of frames of other
 * exposures) give it with that comment.</li>
 * <li>{@code DATE-AVG}: the mean mid-exposure time over all frames, i.e. the images' {@code DATE-AVG}
 * weighted by their frame count, when every image has one; then also {@code DATE-OBS} and
 * {@code DATE-END}: the earliest start and the latest end, when every image has both.</li>
 * </ul>
 * Images that are not FITS files with cards (in-memory inputs) contribute nothing and make the sums
 * and the mean unknown.
 * <p>
 * A mosaic made straight from frames (SDS mode's mega-tiles and their stack, Grid mode) gets the
 * same cards from the frames themselves ({@link #ofFrames}), worked out as a master tile's
 * ({@code tiles.TileHeaders} uses {@link #exposures}, {@link #dateAvg} and {@link #dateSpan} from
 * here): so the same frames give the same cards in every mode.
 */
public final class MosaicProvenance {

    /** The cards copied when the images agree, in the order written. */
    static final List<String> COMMON = List.of("OBJECT", "FILTER", "INSTRUME", "TELESCOP", "BUNIT");

    /** Set up only for a mosaic whose images carry dates: a formatter costs a small job's fresh JVM ~10 ms. */
    private static final class Iso {
        static final DateTimeFormatter MS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS", Locale.ROOT);
    }

    /** One card: key, value (String, Double or Long), comment. */
    record Card(String key, Object value, String comment) {}

    private final List<Card> cards;

    private MosaicProvenance(List<Card> cards) {
        this.cards = List.copyOf(cards);
    }

    /** The cards for a mosaic of {@code inputs}. */
    public static MosaicProvenance of(List<CoaddInput> inputs) {
        List<Map<String, String>> keys = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        boolean allHaveCards = !inputs.isEmpty();
        for (CoaddInput in : inputs) {
            if (in.image() instanceof Frame f) {
                keys.add(f.keys());
                weights.add(in.nFrames());
            } else {
                allHaveCards = false;
            }
        }
        List<Card> cards = new ArrayList<>();
        for (String k : COMMON) {
            String common = common(keys, k);
            if (common != null && keys.stream().noneMatch(m -> mixed(m, k)))
                cards.add(new Card(k, common, "common to the images coadded"));
        }
        if (allHaveCards) {
            Double exp = sum(keys, "EXPTOTAL");
            if (exp != null) cards.add(new Card("EXPTOTAL", exp, "[s] total exposure of the frames in the mosaic"));
            Double nexp = sum(keys, "NEXP_SUM");
            if (nexp != null) cards.add(new Card("NEXP_SUM", Math.round(nexp), "exposures in the mosaic"));
            List<Frame> images = new ArrayList<>();
            for (CoaddInput in : inputs) images.add((Frame) in.image());
            double each = commonExposure(images);
            if (!Double.isNaN(each)) cards.add(new Card("EXPTIME", each, scaled(images) ? EXPTIME_SCALED_COMMENT : EXPTIME_COMMENT));
            // dates only from images that are stacks (DATE-AVG): a survey plate's DATE-OBS may be '15/04/88'
            if (keys.stream().allMatch(k -> k.get("DATE-AVG") != null)) {
                String avg = dateAvg(keys, weights);
                if (avg != null) cards.add(new Card("DATE-AVG", avg, "mean mid-exposure time of its frames (UTC)"));
                String first = extreme(keys, "DATE-OBS", -1), last = extreme(keys, "DATE-END", +1);
                if (first != null && last != null) {
                    cards.add(new Card("DATE-OBS", first, "start of its first exposure (UTC)"));
                    cards.add(new Card("DATE-END", last, "end of its last exposure (UTC)"));
                }
            }
        }
        return new MosaicProvenance(cards);
    }

    /**
     * The cards of a mosaic made straight from {@code frames} (each counted once): {@code OBJECT},
     * {@code FILTER}, {@code INSTRUME}, {@code TELESCOP} when every frame with the card agrees;
     * {@code EXPTOTAL} the sum of their exposures, {@code NEXP_SUM} of their exposure counts
     * ({@link #exposures}); {@code DATE-AVG}, {@code DATE-OBS} and {@code DATE-END} from their
     * {@code DATE-OBS} and exposures ({@link #dateAvg}, {@link #dateSpan}), as a master tile of the
     * same frames has them.
     */
    public static MosaicProvenance ofFrames(List<? extends Frame> frames) {
        List<Map<String, String>> keys = new ArrayList<>();
        for (Frame f : frames) keys.add(f.keys());
        List<Card> cards = new ArrayList<>();
        for (String k : FRAME_COMMON) {
            String common = common(keys, k);
            if (common != null) cards.add(new Card(k, common, "common to the frames coadded"));
        }
        if (frames.isEmpty()) return new MosaicProvenance(cards);
        double exp = 0;
        long nexp = 0;
        for (Frame f : frames) {
            exp += totalExposure(f);
            nexp += exposures(f);
        }
        cards.add(new Card("EXPTOTAL", exp, "[s] total exposure of the frames in the mosaic"));
        cards.add(new Card("NEXP_SUM", nexp, "exposures in the mosaic"));
        double each = commonExposure(frames);
        if (!Double.isNaN(each)) cards.add(new Card("EXPTIME", each, EXPTIME_COMMENT));
        String avg = dateAvg(frames);
        if (avg != null) cards.add(new Card("DATE-AVG", avg, "mean mid-exposure time of its frames (UTC)"));
        String[] span = dateSpan(frames);
        if (span != null) {
            cards.add(new Card("DATE-OBS", span[0], "start of its first exposure (UTC)"));
            cards.add(new Card("DATE-END", span[1], "end of its last exposure (UTC)"));
        }
        return new MosaicProvenance(cards);
    }

    /**
     * The cards a frame's own header gives a stack of it: a raw frame's unit (BUNIT: ADU of one
     * camera setting) says nothing of a normalised stack, so it is not among them.
     */
    static final List<String> FRAME_COMMON = List.of("OBJECT", "FILTER", "INSTRUME", "TELESCOP");

    /** The comment of a stack's {@code EXPTIME}: what the value means for a mean of frames. */
    public static final String EXPTIME_COMMENT = "[s] exposure of each frame: unit of the mean";

    /**
     * The comment of a mosaic's {@code EXPTIME} when its tiles had other exposures and were put on
     * this one ({@link #inUnitOf}); as long as a card holds (47 characters after the value).
     */
    public static final String EXPTIME_SCALED_COMMENT = "[s] unit of mean: other exposures scaled to it";

    /** Where {@code EXPTIME} stands among the cards: before the dates, as {@link #of} and {@link #ofFrames} write it. */
    private static final List<String> AFTER_EXPTIME = List.of("DATE-AVG", "DATE-OBS", "DATE-END");

    /**
     * These cards for a mosaic whose pixels are counts per {@code exposure} (s): the coadd put its
     * images of other exposures on that one ({@link CoaddPlan#exposure}), so {@code EXPTIME} says
     * it, with {@link #EXPTIME_SCALED_COMMENT}, where the images alone give none. NaN (no exposure
     * put on one): these cards as they are.
     */
    public MosaicProvenance inUnitOf(double exposure) {
        if (Double.isNaN(exposure)) return this;
        List<Card> out = new ArrayList<>();
        for (Card c : cards) if (!c.key().equals("EXPTIME")) out.add(c);
        out.add(exptimeAt(out), new Card("EXPTIME", exposure, EXPTIME_SCALED_COMMENT));
        return new MosaicProvenance(out);
    }

    /**
     * These cards (a mosaic's straight from frames, {@link #ofFrames}) for a mosaic of
     * {@code images}, stacks of those frames: where the frames give no {@code EXPTIME} (their
     * exposures differ) and every image gives the same one, that one with its comment, as
     * {@link #of} gives it for a mosaic of such images (Grid mode's tiles, each put on its stack's
     * reference frame by linear_fit, all of one unit). Otherwise these cards as they are; the coadd
     * that puts images of other units on one says so after ({@link #inUnitOf}).
     */
    public MosaicProvenance inUnitOfImages(List<CoaddInput> images) {
        for (Card c : cards) if (c.key().equals("EXPTIME")) return this;
        Card unit = null;
        for (Card c : of(images).cards) if (c.key().equals("EXPTIME")) unit = c;
        if (unit == null) return this;
        List<Card> out = new ArrayList<>(cards);
        out.add(exptimeAt(out), unit);
        return new MosaicProvenance(out);
    }

    /** Where {@code EXPTIME} goes among {@code cards}: before the dates. */
    private static int exptimeAt(List<Card> cards) {
        for (int i = 0; i < cards.size(); i++) if (AFTER_EXPTIME.contains(cards.get(i).key())) return i;
        return cards.size();
    }

    /**
     * Whether an image's {@code EXPTIME} is a unit its own frames were scaled to (its comment is
     * {@link #EXPTIME_SCALED_COMMENT}: a master tile of other exposures, {@code tiles.TileHeaders}):
     * a mosaic of such tiles alone is in that unit too, but not of frames all that long.
     */
    private static boolean scaled(List<Frame> images) {
        for (Frame f : images)
            if (f instanceof org.tessera.io.FitsFrame ff) {
                nom.tam.fits.HeaderCard c = ff.header().findCard("EXPTIME");
                if (c != null && EXPTIME_SCALED_COMMENT.equals(c.getComment())) return true;
            }
        return false;
    }

    /**
     * The exposure (s) every frame of {@code frames} gives in an {@code EXPTIME} or {@code EXPOSURE}
     * card, NaN when one has neither (its 1 s default is no fact) or when two differ: the one value
     * a mean of them can be said to be counts per.
     */
    public static double commonExposure(List<? extends Frame> frames) {
        double seen = Double.NaN;
        for (Frame f : frames) {
            if (number(f.keys().get("EXPTIME")) == null && number(f.keys().get("EXPOSURE")) == null) return Double.NaN;
            double e = f.exposureSeconds();
            if (!(e > 0) || !Double.isFinite(e)) return Double.NaN;
            if (Double.isNaN(seen)) seen = e;
            else if (e != seen) return Double.NaN;
        }
        return seen;
    }

    /**
     * The exposure (s) a frame holds: its {@code EXPTOTAL} when it is a stack Tessera wrote (a master
     * tile or a mosaic given as input: its {@code EXPTIME} is one frame's), else its exposure.
     */
    public static double totalExposure(Frame f) {
        Double total = number(f.keys().get("EXPTOTAL"));
        return total != null && total > 0 ? total : f.exposureSeconds();
    }

    /** The exposures a frame holds: its {@code NEXP}, {@code STACKCNT} or {@code NEXP_SUM} (a stack given as input), else 1. */
    public static long exposures(Frame f) {
        for (String k : new String[] {"NEXP", "STACKCNT", "NEXP_SUM"}) {
            String v = f.keys().get(k);
            if (v == null) continue;
            try {
                long n = Math.round(Double.parseDouble(v.trim()));
                if (n > 0) return n;
            } catch (NumberFormatException ignored) {
                // not a count: fall through to 1
            }
        }
        return 1;
    }

    /** Mean of DATE-OBS + exposure/2 over the frames that have a readable DATE-OBS, {@code yyyy-MM-ddTHH:mm:ss.SSS}; null if none. */
    public static String dateAvg(List<? extends Frame> frames) {
        double sum = 0, t0 = Double.NaN; // offsets from the first: a sum of epoch ms would lose the ms
        int n = 0;
        for (Frame f : frames) {
            double ms = startMs(f);
            if (Double.isNaN(ms)) continue;
            if (Double.isNaN(t0)) t0 = ms;
            sum += ms - t0 + 500.0 * f.exposureSeconds();
            n++;
        }
        return n == 0 ? null : iso(t0 + sum / n);
    }

    /**
     * The earliest DATE-OBS and the latest DATE-OBS + exposure of the frames that have a readable
     * DATE-OBS (the span an astronomer's DATE-OBS / DATE-END give a stack); null if none.
     */
    public static String[] dateSpan(List<? extends Frame> frames) {
        double first = Double.POSITIVE_INFINITY, last = Double.NEGATIVE_INFINITY;
        for (Frame f : frames) {
            double ms = startMs(f);
            if (Double.isNaN(ms)) continue;
            first = Math.min(first, ms);
            last = Math.max(last, ms + 1000.0 * f.exposureSeconds());
        }
        return first > last ? null : new String[] {iso(first), iso(last)};
    }

    /** DATE-OBS in ms since 1970 (UTC; a date alone is its midnight), NaN when absent or unreadable (such a frame does not count). */
    private static double startMs(Frame f) {
        LocalDateTime t = FitsDates.parse(f.keys().get("DATE-OBS"));
        return t == null ? Double.NaN : epochMs(t);
    }

    private static double epochMs(LocalDateTime t) {
        return t.toEpochSecond(ZoneOffset.UTC) * 1000.0 + t.getNano() / 1e6;
    }

    private static String iso(double epochMs) {
        long ms = Math.round(epochMs);
        return LocalDateTime.ofEpochSecond(Math.floorDiv(ms, 1000), (int) Math.floorMod(ms, 1000) * 1_000_000, ZoneOffset.UTC)
                .format(Iso.MS);
    }

    /** Adds the cards to {@code h}; returns it. */
    public Header addTo(Header h) throws HeaderCardException {
        for (Card c : cards) {
            if (c.value() instanceof String s) h.addValue(c.key(), s, c.comment());
            else if (c.value() instanceof Long l) h.addValue(c.key(), l, c.comment());
            else h.addValue(c.key(), (Double) c.value(), c.comment());
        }
        return h;
    }

    List<Card> cards() {
        return cards;
    }

    /**
     * A master tile whose frames disagree on {@code key} writes no such card and names it in
     * {@code MT_MIXED} ({@code tiles.TileHeaders}): the value the other images agree on is then
     * not the mosaic's (M 94: a tile of both telescopes beside two tiles of one).
     */
    private static boolean mixed(Map<String, String> keys, String key) {
        String v = keys.get("MT_MIXED");
        if (v == null) return false;
        for (String k : v.split(",")) if (k.trim().equals(key)) return true;
        return false;
    }

    /** The value of {@code key} every frame that has the card agrees on, trimmed; null when none has it or two differ. */
    public static String commonValue(List<? extends Frame> frames, String key) {
        List<Map<String, String>> keys = new ArrayList<>();
        for (Frame f : frames) keys.add(f.keys());
        return common(keys, key);
    }

    private static String common(List<Map<String, String>> keys, String key) {
        String seen = null;
        for (Map<String, String> k : keys) {
            String v = k.get(key);
            if (v == null || v.isBlank()) continue;
            v = v.trim();
            if (seen == null) seen = v;
            else if (!seen.equals(v)) return null;
        }
        return seen;
    }

    private static Double sum(List<Map<String, String>> keys, String key) {
        double s = 0;
        for (Map<String, String> k : keys) {
            Double v = number(k.get(key));
            if (v == null) return null;
            s += v;
        }
        return s;
    }

    private static Double number(String v) {
        if (v == null) return null;
        try {
            double d = Double.parseDouble(v.trim());
            return Double.isFinite(d) && d >= 0 ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The earliest ({@code sign} -1) or latest (+1) of the images' {@code key} dates, null unless every image has one. */
    private static String extreme(List<Map<String, String>> keys, String key, int sign) {
        LocalDateTime best = null;
        String text = null;
        for (Map<String, String> k : keys) {
            LocalDateTime t = FitsDates.parse(k.get(key));
            if (t == null) return null;
            if (best == null || Integer.signum(t.compareTo(best)) == sign) {
                best = t;
                text = k.get(key).trim();
            }
        }
        return text;
    }

    private static String dateAvg(List<Map<String, String>> keys, List<Double> weights) {
        double sum = 0, w = 0, t0 = Double.NaN; // offsets from the first: sums of epoch ms times weights would lose the ms
        for (int i = 0; i < keys.size(); i++) {
            LocalDateTime t = FitsDates.parse(keys.get(i).get("DATE-AVG"));
            if (t == null) return null;
            double ms = epochMs(t);
            if (Double.isNaN(t0)) t0 = ms;
            sum += (ms - t0) * weights.get(i);
            w += weights.get(i);
        }
        if (w <= 0) return null;
        return iso(t0 + sum / w);
    }
}
