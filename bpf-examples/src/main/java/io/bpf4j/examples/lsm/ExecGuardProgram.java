package io.bpf4j.examples.lsm;

import io.bpf4j.core.MapReference;
import io.bpf4j.core.Program;
import io.bpf4j.core.Reg;
import io.bpf4j.structs.btf.Btf;

/**
 * The LSM program of {@code exec-guard}: on {@code bprm_check_security} it reads the inode
 * number and device of the file being executed ({@code bprm->file->f_inode->i_ino} and
 * {@code ->i_sb->s_dev}, offsets from the running kernel's BTF) and refuses the exec with
 * {@code -EPERM} when that (inode, device) is in the {@code denied} map, counting it there.
 *
 * <pre>{@code
 * Program p = ExecGuardProgram.build(denied, ExecGuardProgram.Offsets.of(Btf.kernel()));
 * }</pre>
 */
public final class ExecGuardProgram {
    /** The map's key: {@code {u64 inode; u32 dev (kernel encoding); u32 zero}}. */
    public static final int KEY_SIZE = 16;

    private ExecGuardProgram() {
    }

    /**
     * The field offsets the program walks.
     *
     * @param file {@code linux_binprm.file}
     * @param inode {@code file.f_inode}
     * @param ino {@code inode.i_ino}
     * @param sb {@code inode.i_sb}
     * @param dev {@code super_block.s_dev}
     */
    public record Offsets(int file, int inode, int ino, int sb, int dev) {
        /** Reads them from {@code btf}. */
        public static Offsets of(Btf btf) {
            return new Offsets((int) btf.offsetOf("linux_binprm", "file"), (int) btf.offsetOf("file", "f_inode"),
                    (int) btf.offsetOf("inode", "i_ino"), (int) btf.offsetOf("inode", "i_sb"),
                    (int) btf.offsetOf("super_block", "s_dev"));
        }
    }

    /** The program; {@code denied}: hash, {@link #KEY_SIZE}-byte key, u64 value (execs refused). */
    public static Program build(MapReference denied, Offsets o) {
        return Program.builder()
                .ldxdw(Reg.R6, Reg.R1, 0)                  // struct linux_binprm *bprm (BTF pointer)
                .ldxdw(Reg.R2, Reg.R6, o.file())
                .ldxdw(Reg.R3, Reg.R2, o.inode())
                .ldxdw(Reg.R4, Reg.R3, o.ino())
                .ldxdw(Reg.R5, Reg.R3, o.sb())
                .ldxw(Reg.R5, Reg.R5, o.dev())
                .stxdw(Reg.R10, -16, Reg.R4)
                .stxw(Reg.R10, -8, Reg.R5)
                .stw(Reg.R10, -4, 0)
                .mov64(Reg.R2, Reg.R10).add64(Reg.R2, -16)
                .mapLookup(denied, Reg.R2)
                .jeq(Reg.R0, 0, "allow")
                .mov64(Reg.R1, 1).atomicAdd64(Reg.R0, 0, Reg.R1)
                .mov64(Reg.R0, -1).exit()                  // -EPERM
                .label("allow").mov64(Reg.R0, 0).exit()
                .build();
    }

    /** The kernel's encoding of a device number ({@code MKDEV}) from {@code stat}'s ({@code st_dev}). */
    public static int kernelDev(long statDev) {
        // glibc's gnu_dev_major / gnu_dev_minor, then the kernel's MKDEV (major << 20 | minor).
        long major = (statDev >>> 8) & 0xfff | (statDev >>> 32) & 0xfffff000L;
        long minor = statDev & 0xff | (statDev >>> 12) & 0xffffff00L;
        return (int) (major << 20 | minor & 0xfffff);
    }
}
