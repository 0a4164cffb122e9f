package io.bpf4j.syscall;

import static io.bpf4j.syscall.KernelFixtures.u32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.syscall.testing.FakeKernel;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad arguments to the library fail at the API with a message naming the argument (fake kernel, no root). */
class ArgumentChecksTest {
    private final FakeKernel kernel = new FakeKernel();

    private static void assertNames(String argument, RuntimeException e) {
        assertTrue(e.getMessage() != null && e.getMessage().startsWith(argument + " is null"), String.valueOf(e.getMessage()));
    }

    @Test
    void nullSpecsAndArgumentsAreNamed() {
        assertNames("spec", assertThrows(NullPointerException.class, () -> BpfMap.create(kernel, null)));
        assertNames("spec", assertThrows(NullPointerException.class, () -> BpfProgram.load(kernel, null)));
        try (BpfMap m = BpfMap.create(kernel, MapSpec.hash("args", 4, 8, 4))) {
            assertNames("value", assertThrows(NullPointerException.class, () -> m.update(u32(1), null)));
            assertNames("keys", assertThrows(NullPointerException.class, () -> m.deleteBatch(null)));
            assertNames("keys[1]", assertThrows(NullPointerException.class,
                    () -> m.updateBatch(Arrays.asList(u32(1), null), List.of(new byte[8], new byte[8]), 0)));
            assertNames("action", assertThrows(NullPointerException.class, () -> m.forEachKey(null)));
            IllegalArgumentException key = assertThrows(IllegalArgumentException.class, () -> m.lookup((byte[]) null));
            assertTrue(key.getMessage().contains("key is missing"), key.getMessage());
        }
        assertEquals(java.util.Set.of(), kernel.openFds());
    }

    @Test
    void aRingBufferTheReaderWouldRefuseIsRefusedAtCreationNamingTheLimit() {
        assertEquals(1 << 29, MapSpec.ringBuf("big", MapSpec.MAX_RING_SIZE).maxEntries());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MapSpec.ringBuf("huge", 1 << 30));
        assertTrue(e.getMessage().contains("at most 536870912") && e.getMessage().contains("MapSpec.MAX_RING_SIZE"),
                e.getMessage());
    }
}
