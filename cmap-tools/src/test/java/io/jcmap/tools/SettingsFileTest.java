package io.jcmap.tools;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How {@code -p} files are split into directives, as corosync-cmapctl's read_in_config_file does. */
class SettingsFileTest {
    private static List<SettingsFile.Directive> read(String text) {
        return SettingsFile.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsSetsDeletesAndPrefixDeletesSkippingCommentsAndBlankLines() {
        assertEquals(List.of(new SettingsFile.Set("a.b", "str", "two"), new SettingsFile.Delete("c.d"),
                new SettingsFile.DeletePrefix("e."), new SettingsFile.Set("f", "u8", "1")),
                read("# comment\n  \t# indented\n\na.b str two words\n^c.d u8 1\n^^e.\n  f   u8   1  \n"));
    }

    @Test
    void aTabIsPartOfAWordAndMissingPartsAreIncomplete() {
        assertEquals(List.of(new SettingsFile.Incomplete("a\tu8\t1")), read("a\tu8\t1\n"));
        assertEquals(List.of(new SettingsFile.Incomplete("a"), new SettingsFile.Incomplete(null)), read("a u8\n   "));
    }

    @Test
    void aReadErrorEndsTheFileAndDropsTheLineItCut() {
        byte[] before = "a u8 1\nb u8 2".getBytes(StandardCharsets.US_ASCII);
        InputStream failing = new SequenceInputStream(new ByteArrayInputStream(before), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("Input/output error");
            }
        });
        assertEquals(List.of(new SettingsFile.Set("a", "u8", "1")), SettingsFile.read(failing));
    }

    @Test
    void eachLineIsHandedOverBeforeTheNextIsRead() {
        List<SettingsFile.Directive> applied = new ArrayList<>();
        byte[] first = "a u8 1\n".getBytes(StandardCharsets.US_ASCII);
        // a pipe whose writer waits: the C tool applies the first line before it reads on
        InputStream pipe = new SequenceInputStream(new ByteArrayInputStream(first), new InputStream() {
            @Override
            public int read() {
                assertEquals(List.of(new SettingsFile.Set("a", "u8", "1")), applied, "applied before reading on");
                return -1;
            }
        });
        SettingsFile.read(pipe, applied::add);
        assertEquals(1, applied.size());
    }

    @Test
    void bytesThatAreNotUtf8StayInTheWords() {
        byte[] line = {'k', ' ', 's', 't', 'r', ' ', 'c', 'a', 'f', (byte) 0xe9, '\n'};
        assertEquals(List.of(new SettingsFile.Set("k", "str", "caf\uDCE9")),
                SettingsFile.read(new ByteArrayInputStream(line)));
    }

    @Test
    void aLongLineIsReadInPiecesOf1023Bytes() {
        String key = "k".repeat(SettingsFile.LINE_BUFFER - 1);
        assertEquals(List.of(new SettingsFile.Incomplete(key), new SettingsFile.Set("tail", "u8", "1")),
                read(key + "tail u8 1\n"));
    }
}
