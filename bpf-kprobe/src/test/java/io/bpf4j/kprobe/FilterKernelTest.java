package io.bpf4j.kprobe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Library;
import com.sun.jna.Native;
import io.bpf4j.core.Instruction;
import io.bpf4j.core.Reg;
import io.bpf4j.syscall.BpfLink;
import io.bpf4j.syscall.BpfMap;
import io.bpf4j.syscall.BpfProgram;
import io.bpf4j.syscall.MapSpec;
import io.bpf4j.syscall.testing.KernelTest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The early-exit filters decide, on the real kernel, whether the rest of the body runs. */
@KernelTest
class FilterKernelTest {
    interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int getuid();

        int gettid();
    }

    @Test
    void eachFilterLetsThroughExactlyTheTaskItNames(@TempDir Path dir) throws Exception {
        SixLibrary six = SixLibrary.compile(dir);
        int self = UprobeKernelTest.SELF;
        int uid = LibC.INSTANCE.getuid();
        int tid = LibC.INSTANCE.gettid();
        Map<String, List<Instruction>> filters = new LinkedHashMap<>();
        filters.put("onlyTgid(self)", ProbeHelpers.onlyTgid(self));
        filters.put("onlyTgid(other)", ProbeHelpers.onlyTgid(self + 1));
        filters.put("skipTgid(self)", ProbeHelpers.skipTgid(self));
        filters.put("skipTgid(other)", ProbeHelpers.skipTgid(self + 1));
        filters.put("onlyPid(this thread)", ProbeHelpers.onlyPid(tid));
        filters.put("onlyPid(other)", ProbeHelpers.onlyPid(tid + 1));
        filters.put("onlyUid(mine)", ProbeHelpers.onlyUid(uid));
        filters.put("onlyUid(other)", ProbeHelpers.onlyUid(uid + 1));
        List<String> names = new ArrayList<>(filters.keySet());
        try (BpfMap passed = BpfMap.create(MapSpec.array("passed", 8, names.size()))) {
            List<BpfProgram> progs = new ArrayList<>();
            List<BpfLink> links = new ArrayList<>();
            try {
                for (int i = 0; i < names.size(); i++) {
                    int key = i;
                    ProbeProgram p = Uprobe.entry(six.path.toString(), "six").name("filter" + i)
                            .body(b -> {
                                b.append(filters.get(names.get(key)));
                                b.mov64(Reg.R6, 1);
                                ResultBodies.storeToArray(passed, key, self, Reg.R6).accept(b);
                            })
                            .build();
                    BpfProgram prog = Loading.load(p);
                    progs.add(prog);
                    links.add(Loading.attach(prog, p));
                }
                six.lib.six(1, 2, 3, 4, 5, 6);
            } finally {
                links.forEach(l -> {
                    try {
                        l.close();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                progs.forEach(BpfProgram::close);
            }
            StringBuilder seen = new StringBuilder();
            for (int i = 0; i < names.size(); i++) {
                seen.append(names.get(i)).append('=').append(UprobeKernelTest.read(passed, i, 1)[0]).append(' ');
            }
            assertEquals("onlyTgid(self)=1 onlyTgid(other)=0 skipTgid(self)=0 skipTgid(other)=1 onlyPid(this thread)=1 "
                    + "onlyPid(other)=0 onlyUid(mine)=1 onlyUid(other)=0 ", seen.toString());
        }
    }
}
