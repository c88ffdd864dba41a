package io.jcmap.tools;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How {@code -p} files are split into directives, as corosync-cmapctl's read_in_config_file does. */
class SettingsFileTest {
    private static List<SettingsFile.Directive> read(String text) throws IOException {
        return SettingsFile.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsSetsDeletesAndPrefixDeletesSkippingCommentsAndBlankLines() throws IOException {
        assertEquals(List.of(new SettingsFile.Set("a.b", "str", "two"), new SettingsFile.Delete("c.d"),
                new SettingsFile.DeletePrefix("e."), new SettingsFile.Set("f", "u8", "1")),
                read("# comment\n  \t# indented\n\na.b str two words\n^c.d u8 1\n^^e.\n  f   u8   1  \n"));
    }

    @Test
    void aTabIsPartOfAWordAndMissingPartsAreIncomplete() throws IOException {
        assertEquals(List.of(new SettingsFile.Incomplete("a\tu8\t1")), read("a\tu8\t1\n"));
        assertEquals(List.of(new SettingsFile.Incomplete("a"), new SettingsFile.Incomplete(null)), read("a u8\n   "));
    }

    @Test
    void aLongLineIsReadInPiecesOf1023Bytes() throws IOException {
        String key = "k".repeat(SettingsFile.LINE_BUFFER - 1);
        assertEquals(List.of(new SettingsFile.Incomplete(key), new SettingsFile.Set("tail", "u8", "1")),
                read(key + "tail u8 1\n"));
    }
}
