package io.bpf4j.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MapSpecTest {

    @Test
    void nameOverFifteenCharactersIsRejectedBeforeAnySyscall() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MapSpec.hash("a_name_of_16_chr", 4, 4, 1));
        assertTrue(e.getMessage().contains("16 characters") && e.getMessage().contains("at most 15"), e.getMessage());
    }

    @Test
    void nameWithForbiddenCharacterNamesTheCharacter() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MapSpec.hash("my-map", 4, 4, 1));
        assertTrue(e.getMessage().contains("'-' at index 2"), e.getMessage());
    }

    @Test
    void ringBufferSizeMustBeAPowerOfTwoPageMultiple() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MapSpec.ringBuf("r", 100_000));
        assertTrue(e.getMessage().contains("power of two") && e.getMessage().contains("131072"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MapSpec.ringBuf("r", 2048));
        assertEquals(1 << 20, MapSpec.ringBuf("r", 1 << 20).maxEntries());
    }

    @Test
    void arraysNeedFourByteKeysAndLpmTriesGetNoPrealloc() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MapSpec(MapType.ARRAY, "a", 8, 4, 1, 0, null, 0));
        assertTrue(e.getMessage().contains("expected 4"), e.getMessage());
        MapSpec lpm = MapSpec.lpmTrie("routes", 4, 8, 16);
        assertEquals(8, lpm.keySize());
        assertEquals(MapSpec.F_NO_PREALLOC, lpm.flags() & MapSpec.F_NO_PREALLOC);
    }

    @Test
    void mapInMapRequiresAnInnerTemplate() {
        assertThrows(IllegalArgumentException.class, () -> new MapSpec(MapType.ARRAY_OF_MAPS, "o", 4, 4, 1, 0, null, 0));
        MapSpec ok = MapSpec.arrayOfMaps("o", 2, MapSpec.array("i", 8, 1));
        assertEquals(MapType.ARRAY, ok.innerMap().type());
    }

    @Test
    void zeroSizesAreRejectedWithTheFieldNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MapSpec.hash("h", 0, 4, 1));
        assertTrue(e.getMessage().contains("key size"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MapSpec.queue("q", 4, 0));
        assertTrue(e.getMessage().contains("max entries"), e.getMessage());
    }
}
