package io.bpf4j.kprobe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SixLibraryTest {
    @Test
    void fixtureLibraryComputesWhatTheTestsExpect(@TempDir Path dir) throws Exception {
        SixLibrary six = SixLibrary.compile(dir);
        assertEquals(SixLibrary.expected(1, 2, 3, 4, 5, 6), six.lib.six(1, 2, 3, 4, 5, 6));
        assertEquals(8, six.lib.str_arg(3, "hello"));
    }
}
