package org.tessera;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Text files a user writes or a spreadsheet or editor saves (a JSON config, a stack plan CSV), read
 * as the programs that write them do: UTF-8 with or without a byte-order mark (Notepad, Excel's
 * "CSV UTF-8"), UTF-16 with its mark (Excel's "Unicode Text", PowerShell's {@code >}). Anything
 * else that is not UTF-8 (Excel's plain "CSV" in a Windows code page, "Hé" as the byte 0xE9) is a
 * failure naming the file, the line and what to do, never Java's "Input length = 1".
 */
public final class TextFiles {
    private TextFiles() {}

    /**
     * The text of {@code file}, its byte-order mark removed.
     *
     * @param howToFix what to tell the user when the file is not UTF-8 or UTF-16 text, e.g. "save it as UTF-8"
     * @throws IOException when it cannot be read, or holds bytes that are not text in its encoding (the
     *                     message names the file, the line and the byte)
     */
    public static String read(Path file, String howToFix) throws IOException {
        byte[] b = Files.readAllBytes(file);
        int start = 0;
        Charset cs = StandardCharsets.UTF_8;
        String encoding = "UTF-8";
        if (b.length >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF) {
            start = 3;
        } else if (b.length >= 2 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xFE) {
            start = 2;
            cs = StandardCharsets.UTF_16LE;
            encoding = "UTF-16";
        } else if (b.length >= 2 && (b[0] & 0xff) == 0xFE && (b[1] & 0xff) == 0xFF) {
            start = 2;
            cs = StandardCharsets.UTF_16BE;
            encoding = "UTF-16";
        }
        CharsetDecoder d = cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b, start, b.length - start);
        CharBuffer out = CharBuffer.allocate(b.length);
        CoderResult r = d.decode(in, out, true);
        if (!r.isError()) r = d.flush(out);
        if (r.isError()) {
            int at = in.position(), line = 1;
            for (int i = start; i < at; i++) if (b[i] == '\n') line++;
            throw new IOException(String.format("%s: not %s text: line %d holds the byte 0x%02X (saved in another "
                    + "encoding, such as a Windows code page?): %s", file, encoding, line, b[at] & 0xff, howToFix));
        }
        return out.flip().toString();
    }
}
