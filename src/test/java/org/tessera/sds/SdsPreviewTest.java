package org.tessera.sds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.io.FitsFrame;
import org.tessera.io.PreviewPng;
import org.tessera.pipeline.MosaicPipeline;

/**
 * SDS's preview, taken on the way to the file as Classic's ({@code CoaddPreview}, with the final
 * background extraction on), is the PNG that reading the finished mosaic and coverage back gives.
 */
class SdsPreviewTest {

    @Test
    void theSdsPreviewIsTheReadBackOne(@TempDir Path dir) throws IOException {
        SdsFixtures.field(15).writeFits(dir.resolve("frames"));
        Config cfg = SdsFixtures.sds().put("preview_png_enabled", true).put("final_mosaic_dbe_enabled", true)
                .put("preview_png_max_dim", 70); // blocks of several pixels
        MosaicPipeline.Outcome o = MosaicPipeline.mosaic(List.of(dir.resolve("frames")), dir.resolve("sds"), cfg, Progress.NONE);
        assertNotNull(o.preview());
        assertTrue(FitsFrame.open(o.mosaic()).keys().containsKey("DBE"), "the extraction ran in place");
        Path ref = dir.resolve("ref.png");
        PreviewPng.write(FitsFrame.open(o.mosaic()), FitsFrame.open(o.coverage()), ref, cfg.getDouble("preview_png_p_low"),
                cfg.getDouble("preview_png_p_high"), cfg.getDouble("preview_png_asinh_a"), cfg.getInt("preview_png_max_dim"));
        assertEquals(-1, Files.mismatch(ref, o.preview()));
    }
}
