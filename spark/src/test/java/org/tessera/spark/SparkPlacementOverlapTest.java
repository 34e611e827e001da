package org.tessera.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.io.FitsFrame;
import org.tessera.pipeline.MosaicPipeline;
import org.tessera.pipeline.MosaicPipeline.Skipped;
import org.tessera.register.Registration;
import org.tessera.solve.RawFrameAstrometry;
import org.tessera.solve.RawGroups;
import org.tessera.wcs.WcsCards;

/**
 * {@link SparkPlacement#placeGroups} on {@code local[2,2]} runs the registrations beside the plate
 * solve: the stand-in solver (a script in front of solve-field) waits, up to 30 s, until a
 * registration task has registered a frame before it answers, and it fails the group's first
 * reference candidate, so the group is registered again on the frame that did solve. The frames'
 * WCS, the frames left out and their reasons are those of the solves first (the interface's
 * default order on the same Spark tasks). Needs ../shared/data's raw M 94 frames and solve-field.
 */
class SparkPlacementOverlapTest {

    @Test
    void solvesOverlapRegistrationsWithTheSerialResults(@TempDir Path dir) throws Exception {
        Path night3 = Path.of("../../shared/data/seestar_m94_raw/night3");
        assumeTrue(Files.isDirectory(night3), "real test data not found at " + night3.toAbsolutePath());
        Path solveField = Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .filter(d -> !d.isBlank()).map(d -> Path.of(d, "solve-field")).filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(solveField != null, "solve-field not installed");
        Path in = Files.createDirectories(dir.resolve("in"));
        try (Stream<Path> s = Files.list(night3)) {
            for (Path p : s.sorted().limit(3).toList()) Files.copy(p, in.resolve(p.getFileName()));
        }
        Path starless = in.resolve("no_stars_same_session.fit");
        List<Path> raw;
        try (Stream<Path> s = Files.list(in)) {
            raw = s.sorted().toList();
        }
        SparkRawFramesTest.starless(FitsFrame.open(raw.get(0)), 1080, 1920, FitsFrame.open(raw.get(2)).keys().get("DATE-OBS"), starless);

        // Overlapped: the solver waits for the marker a registration task writes.
        Path marker = dir.resolve("registered.marker"), seen = dir.resolve("seen.txt");
        List<Skipped> overlapSkipped = new ArrayList<>();
        List<FitsFrame> overlap = run(in, dir.resolve("overlap"), solveField, marker, seen, overlapSkipped, false);
        // Serial (solve job, then registration job): the marker is there before the solver starts.
        Path always = Files.writeString(dir.resolve("always.marker"), "");
        List<Skipped> serialSkipped = new ArrayList<>();
        List<FitsFrame> serial = run(in, dir.resolve("serial"), solveField, always, dir.resolve("seen-serial.txt"), serialSkipped, true);

        List<String> lines = Files.readAllLines(seen);
        assertTrue(lines.size() >= 2 && lines.stream().allMatch(l -> l.equals("registration seen")),
                "every solve ran while a registration task had already registered a frame: " + lines);
        // 3 frames registered on the first candidate beside the solve, then again on the frame that solved
        assertEquals(6, Files.readAllLines(marker).size(), Files.readAllLines(marker).toString());
        assertEquals(3, serial.size(), serialSkipped.toString());
        assertEquals(serial.size(), overlap.size(), overlapSkipped.toString());
        for (int i = 0; i < serial.size(); i++) {
            assertEquals(serial.get(i).path(), overlap.get(i).path());
            assertEquals(WcsCards.of(serial.get(i).wcs()), WcsCards.of(overlap.get(i).wcs()), serial.get(i).name());
        }
        assertEquals(1, serialSkipped.size(), serialSkipped.toString());
        assertEquals(serialSkipped, overlapSkipped);
        assertEquals(starless.toAbsolutePath().normalize(), overlapSkipped.get(0).file().toAbsolutePath().normalize());
    }

    /**
     * Phase 1 on Spark with a solver script that fails its first call (the group's first reference
     * candidate) and hands the later ones to solve-field once {@code marker} exists, noting in
     * {@code seen} whether it did within 30 s.
     */
    private static List<FitsFrame> run(Path in, Path out, Path solveField, Path marker, Path seen, List<Skipped> skipped,
                                       boolean serial) throws Exception {
        Files.createDirectories(out);
        Path calls = out.resolve("calls"), script = out.resolve("solve-field");
        Files.writeString(script, "#!/bin/sh\n"
                + "for i in $(seq 300); do [ -e '" + marker + "' ] && break; sleep 0.1; done\n"
                + "if [ -e '" + marker + "' ]; then echo 'registration seen' >> '" + seen + "';"
                + " else echo 'no registration within 30 s' >> '" + seen + "'; fi\n"
                + "echo call >> '" + calls + "'\n"
                + "[ $(wc -l < '" + calls + "') -eq 1 ] && exit 1\n"
                + "exec '" + solveField + "' \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Config config = new Config().put("solver_choice", "astrometry").put("astrometry_net_path", script.toString())
                .put("solver_timeout_s", 120);
        SparkPlacement spark = new SparkPlacement(LocalSpark.context(), new Marks(marker.toString()), config.toJson(),
                out.toString(), Staging.local(LocalSpark.context(), out));
        RawFrameAstrometry.Work work = !serial ? spark : new RawFrameAstrometry.Work() { // the interface's default: solves first
            @Override
            public List<RawFrameAstrometry.Reference> solve(RawFrameAstrometry stage, List<RawGroups.Group> groups, Progress p)
                    throws InterruptedException {
                return spark.solve(stage, groups, p);
            }

            @Override
            public List<Registration> register(RawFrameAstrometry stage, List<RawFrameAstrometry.Pair> pairs, Progress p)
                    throws InterruptedException {
                return spark.register(stage, pairs, p);
            }
        };
        return MosaicPipeline.phase1(List.of(in), out, config, work, skipped, Progress.NONE);
    }

    /** A registration task writes the marker once it has registered a frame. */
    record Marks(String marker) implements SparkMosaic.TaskFault {
        @Override public void after(int groupId, int attempt) { }

        @Override public void afterRegister(int frame, int attempt) {
            LocalSpark.log(marker, "registered " + frame);
        }
    }
}
