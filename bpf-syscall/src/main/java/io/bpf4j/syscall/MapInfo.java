package io.bpf4j.syscall;

/**
 * What the kernel says about a map ({@code struct bpf_map_info} from
 * {@code BPF_OBJ_GET_INFO_BY_FD}).
 *
 * <pre>{@code
 * MapInfo info = map.info();
 * info.type();   // MapType.HASH
 * info.id();     // kernel-wide id, as bpftool shows it
 * }</pre>
 */
public record MapInfo(MapType type, int id, int keySize, int valueSize, int maxEntries, int flags, String name,
                      long mapExtra) {
}
