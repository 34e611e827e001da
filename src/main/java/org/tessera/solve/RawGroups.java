package org.tessera.solve;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.tessera.io.FitsDates;
import org.tessera.io.FitsFrame;
import org.tessera.wcs.SkyMath;

/**
 * Groups the frames that carry no WCS so that one plate solve places a whole group: frames of one
 * session (no gap over {@value #SESSION_GAP_MINUTES} min between consecutive {@code DATE-OBS}),
 * of one camera geometry (size and header pixel scale), whose header pointings lie within
 * {@value #POINTING_FRACTION} of the field's smaller side of the group's first frame. Such frames
 * overlap enough to be registered on one reference by their stars. Frames without a usable
 * {@code DATE-OBS} form one session; without {@code RA}/{@code DEC}, one pointing per session.
 */
public final class RawGroups {

    private RawGroups() {}

    /** Consecutive frames further apart than this start a new session (the mount may have moved, the field rotated). */
    public static final int SESSION_GAP_MINUTES = 60;
    /** Header pointings further apart than this fraction of the field's smaller side start a new group. */
    public static final double POINTING_FRACTION = 0.25;

    /** One group: its frames in time order, and the hints of its first frame. */
    public record Group(int id, List<FitsFrame> frames, String session, SolveHints hints) {

        /** The frames in the order to try as the solved reference: the middle of the session first, then outwards. */
        public List<FitsFrame> referenceOrder() {
            double mid = (frames.size() - 1) / 2.0;
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < frames.size(); i++) idx.add(i);
            idx.sort(Comparator.comparingDouble((Integer i) -> Math.abs(i - mid)).thenComparingInt(i -> i));
            return idx.stream().map(frames::get).toList();
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "group %d (%d frame(s), session %s, %s)", id, frames.size(), session, hints);
        }
    }

    /** Frames (any order) → groups, each in time order; group ids from 1 in order of first frame. */
    public static List<Group> group(List<FitsFrame> frames, double radiusDeg) {
        List<FitsFrame> sorted = new ArrayList<>(frames);
        sorted.sort(Comparator.comparingDouble(RawGroups::epochSeconds).thenComparing(f -> f.path().toString()));
        List<List<FitsFrame>> sessions = new ArrayList<>();
        double last = Double.NaN;
        for (FitsFrame f : sorted) {
            double t = epochSeconds(f);
            boolean gap = sessions.isEmpty() || Double.isNaN(t) != Double.isNaN(last)
                    || Double.isFinite(t) && t - last > SESSION_GAP_MINUTES * 60.0;
            if (gap) sessions.add(new ArrayList<>());
            sessions.get(sessions.size() - 1).add(f);
            last = t;
        }
        List<Group> out = new ArrayList<>();
        for (List<FitsFrame> s : sessions) {
            String session = sessionName(s.get(0));
            List<List<FitsFrame>> clusters = new ArrayList<>();
            List<SolveHints> seeds = new ArrayList<>();
            for (FitsFrame f : s) {
                SolveHints h = SolveHints.fromKeys(f.keys(), f.width(), f.height(), radiusDeg);
                int k = -1;
                for (int i = 0; i < seeds.size() && k < 0; i++) if (together(seeds.get(i), h)) k = i;
                if (k < 0) {
                    seeds.add(h);
                    clusters.add(new ArrayList<>());
                    k = clusters.size() - 1;
                }
                clusters.get(k).add(f);
            }
            for (int i = 0; i < clusters.size(); i++)
                out.add(new Group(out.size() + 1, List.copyOf(clusters.get(i)), session, seeds.get(i)));
        }
        return out;
    }

    /** Same geometry and scale, and pointings close enough (both unknown counts as close). */
    static boolean together(SolveHints a, SolveHints b) {
        if (a.width() != b.width() || a.height() != b.height()) return false;
        if (a.hasScale() != b.hasScale() || a.hasScale() && Math.abs(a.arcsecPerPixel() / b.arcsecPerPixel() - 1) > 0.01) return false;
        if (a.hasPosition() != b.hasPosition()) return false;
        if (!a.hasPosition()) return true;
        double side = a.hasScale() ? a.arcsecPerPixel() * Math.min(a.width(), a.height()) / 3600 : 1.0;
        return SkyMath.separationDeg(a.raDeg(), a.decDeg(), b.raDeg(), b.decDeg()) <= POINTING_FRACTION * side;
    }

    /** DATE-OBS as seconds since 1970 (UTC), NaN when absent or unreadable. */
    static double epochSeconds(FitsFrame f) {
        return FitsDates.epochSeconds(f.keys().get("DATE-OBS"));
    }

    private static String sessionName(FitsFrame f) {
        String d = f.keys().get("DATE-OBS");
        return Double.isNaN(epochSeconds(f)) ? "undated" : d.trim().replace('T', ' ').replaceAll("\\.\\d+$", "");
    }
}
