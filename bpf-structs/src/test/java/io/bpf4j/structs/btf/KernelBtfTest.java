package io.bpf4j.structs.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The running kernel's BTF, checked against bpftool's dump of the same file (Debian package
 * {@code bpftool}, installed by {@code .ci/run}).
 */
@KernelFiles(btf = true, commands = "bpftool")
class KernelBtfTest {

    static Process bpftool(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Files.isExecutable(Path.of("/usr/sbin/bpftool")) ? "/usr/sbin/bpftool" : "bpftool");
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** bits_offset / 8 of {@code member} in {@code struct}, from bpftool's raw dump. */
    static long bpftoolOffset(String struct, String member) throws IOException, InterruptedException {
        Process p = bpftool("btf", "dump", "file", Btf.VMLINUX.toString(), "format", "raw");
        Pattern head = Pattern.compile("^\\[\\d+\\] STRUCT '" + Pattern.quote(struct) + "' ");
        Pattern mem = Pattern.compile("^\t'" + Pattern.quote(member) + "' type_id=\\d+ bits_offset=(\\d+)");
        long found = -1;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            boolean in = false;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.startsWith("[")) {
                    if (in) {
                        break;
                    }
                    in = head.matcher(line).find();
                } else if (in && found < 0) {
                    Matcher m = mem.matcher(line);
                    if (m.find()) {
                        found = Long.parseLong(m.group(1)) / 8;
                    }
                }
            }
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        }
        p.waitFor();
        if (found < 0) {
            fail("bpftool shows no member " + member + " in struct " + struct);
        }
        return found;
    }

    @Test
    void taskStructOffsetsEqualBpftools() throws Exception {
        Btf btf = Btf.kernel();
        long realParent = bpftoolOffset("task_struct", "real_parent");
        long tgid = bpftoolOffset("task_struct", "tgid");
        System.out.println("task_struct.real_parent=" + realParent + " tgid=" + tgid + " (bpftool)");
        assertEquals(realParent, btf.offsetOf("task_struct", "real_parent"));
        assertEquals(tgid, btf.offsetOf("task_struct", "tgid"));
        FieldPath ppid = btf.path("task_struct.real_parent->tgid");
        assertEquals(List.of(realParent, tgid), List.of(ppid.hops().get(0).offset(), ppid.hops().get(1).offset()));
        assertEquals(List.of(8, 4), List.of(ppid.hops().get(0).size(), ppid.hops().get(1).size()));
        assertEquals("pid_t", ppid.typeName());
    }

    @Test
    void everyKernelTypeDecodesExactlyAsBpftoolPrintsIt() throws Exception {
        Btf btf = Btf.load(Btf.VMLINUX).validate();
        StringWriter ours = new StringWriter(8 << 20);
        RawDump.dump(btf, ours);
        Process p = bpftool("btf", "dump", "file", Btf.VMLINUX.toString(), "format", "raw");
        int lineNo = 0;
        try (BufferedReader theirs = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             BufferedReader mine = new BufferedReader(new java.io.StringReader(ours.toString()))) {
            for (String want = theirs.readLine(); want != null; want = theirs.readLine()) {
                lineNo++;
                String got = mine.readLine();
                if (!want.equals(got)) {
                    fail("line " + lineNo + ": bpftool prints\n  " + want + "\nwe decode\n  " + got);
                }
            }
            assertEquals(null, mine.readLine(), "we decode more lines than bpftool prints");
        }
        assertEquals(0, p.waitFor());
        System.out.println("vmlinux BTF: " + (btf.typeCount() - 1) + " types, " + lineNo + " lines equal to bpftool's");
    }

    @Test
    void kernelBtfHasTheKindsBpftoolSeesAndLookupsFindTheFirstOfEach() throws Exception {
        Btf btf = Btf.kernel();
        Set<BtfKind> kinds = EnumSet.noneOf(BtfKind.class);
        int n = btf.typeCount();
        for (int id = 1; id < n; id++) {
            kinds.add(btf.type(id).kind());
        }
        // Which kinds a kernel has depends on its compiler and pahole (6.1 from Debian: no
        // DECL_TAG, TYPE_TAG or ENUM64; 6.18: all of them): bpftool is the oracle.
        Set<BtfKind> theirs = EnumSet.noneOf(BtfKind.class);
        Process p = bpftool("btf", "dump", "file", Btf.VMLINUX.toString(), "format", "raw");
        Pattern kind = Pattern.compile("^\\[\\d+\\] ([A-Z0-9_]+) ");
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                Matcher m = kind.matcher(line);
                if (m.find()) {
                    theirs.add(BtfKind.valueOf(m.group(1)));
                }
            }
        }
        assertEquals(0, p.waitFor());
        assertEquals(theirs, kinds);
        assertTrue(kinds.containsAll(EnumSet.range(BtfKind.INT, BtfKind.FLOAT)), kinds.toString());
        Random rnd = new Random(42);
        for (int i = 0; i < 2000; i++) {
            BtfType t = btf.type(1 + rnd.nextInt(n - 1));
            if (t.name().isEmpty()) {
                continue;
            }
            int found = btf.findId(t.name(), t.kind()).orElseThrow();
            assertTrue(found <= t.id(), t + " found as " + found);
            assertEquals(t.name(), btf.type(found).name());
            assertEquals(t.kind(), btf.type(found).kind());
        }
    }

    @Test
    void functionSignaturesComeFromTheKernelsBtf() {
        Btf btf = Btf.kernel();
        // do_execveat_common is inlined into its callers on this kernel (no FUNC record); do_filp_open is not.
        FunctionSignature f = btf.function("do_filp_open").orElseThrow();
        assertEquals("struct file *do_filp_open(int dfd, struct filename *pathname, const struct open_flags *op)",
                f.declaration());
        assertEquals(1, f.parameter("pathname").orElseThrow().index());
        if (btf.function("do_execveat_common").isPresent()) {
            assertEquals(1, btf.function("do_execveat_common").orElseThrow().parameter("filename").orElseThrow().index());
        }
    }

    @Test
    void kernelStructsBecomeLayoutsWithTheKernelsOffsets() {
        Btf btf = Btf.kernel();
        io.bpf4j.structs.StructLayout t = btf.layout("task_struct", "pid", "tgid", "real_parent", "comm");
        for (String m : List.of("pid", "tgid", "real_parent", "comm")) {
            assertEquals(btf.offsetOf("task_struct", m), t.offset(m), m);
        }
        assertEquals(btf.struct("task_struct").size(), t.size());
        int built = 0;
        int n = btf.typeCount();
        for (int id = 1; id < n; id++) {
            BtfType ty = btf.type(id);
            if (ty.kind() == BtfKind.STRUCT && !ty.name().isEmpty() && btf.findId(ty.name(), BtfKind.STRUCT).getAsInt() == id) {
                try {
                    io.bpf4j.structs.StructLayout l = btf.layout(ty.name());
                    assertEquals(((BtfType.StructType) ty).size(), l.size(), ty.name());
                    built++;
                } catch (IllegalArgumentException e) {
                    // empty structs and structs of bitfields only have no layout
                    assertTrue(e.getMessage().contains("no members"), ty.name() + ": " + e.getMessage());
                }
            }
        }
        System.out.println(built + " kernel structs converted to layouts");
    }

    @Test
    void kernelBtfIsReadOnceAndShared() {
        assertSame(Btf.kernel(), Btf.kernel());
    }
}
