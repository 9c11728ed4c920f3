package io.meridian.geoip.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Writes files in the MaxMind DB format (specification 2.0, as published by MaxMind), for tests
 * that need a real database: the files open with MaxMind's own readers.
 *
 * <p>Design note. Networks go into an in-memory binary trie, one bit per level; inserting a
 * network that overlaps an earlier one replaces the overlapped part, so insert the general
 * network first and the exceptions after it. {@link #toBytes()} then merges sibling leaves that
 * hold equal data, optionally aliases {@code ::ffff:0:0/96} and {@code 2002::/16} to the IPv4
 * subtree at {@code ::/96} (as MaxMind's own databases do), numbers the nodes breadth first and
 * writes: the search tree (24-, 28- or 32-bit records), 16 zero bytes, the data section, the
 * marker {@code "\xAB\xCD\xEFMaxMind.com"} and the metadata map. Each distinct record is written
 * once; with {@link #usePointers(boolean)} repeated strings (map keys included) become pointers,
 * so tests also cover the reader's pointer decoding. Built for clarity at test sizes (thousands of
 * networks), not for databases of millions.
 *
 * <p>Values: {@link String} (UTF-8), {@link Double}, {@link Float}, {@link Boolean}, {@link Integer}
 * (int32), {@link Long} (uint64, not negative), {@code byte[]}, {@link Map} with string keys,
 * {@link List}, and the unsigned types made by {@link #uint16}, {@link #uint32}, {@link #uint64}
 * and {@link #uint128}.
 */
public final class MmdbWriter {

    private static final byte[] METADATA_MARKER = {(byte) 0xAB, (byte) 0xCD, (byte) 0xEF,
            'M', 'a', 'x', 'M', 'i', 'n', 'd', '.', 'c', 'o', 'm'};

    private static final Pattern CIDR = Pattern.compile("([0-9A-Fa-f:.]+)/(\\d{1,3})");

    private final int ipVersion;
    private final String databaseType;
    private final Node root = new Node();
    private final Map<String, String> description = new LinkedHashMap<>();
    private final List<String> languages = new ArrayList<>();
    private Instant buildTime = Instant.parse("2026-01-01T00:00:00Z");
    private int recordSize;
    private boolean usePointers = true;
    private boolean aliasIpv4 = true;
    private boolean written;

    private MmdbWriter(int ipVersion, String databaseType) {
        this.ipVersion = ipVersion;
        this.databaseType = Objects.requireNonNull(databaseType, "databaseType");
    }

    /** A database holding IPv6 networks, with IPv4 networks at {@code ::a.b.c.d/96+n}. */
    public static MmdbWriter ipv6(String databaseType) {
        return new MmdbWriter(6, databaseType);
    }

    /** A database holding IPv4 networks only. */
    public static MmdbWriter ipv4(String databaseType) {
        return new MmdbWriter(4, databaseType);
    }

    /** The {@code build_epoch} written to the metadata. */
    public MmdbWriter buildTime(Instant buildTime) {
        this.buildTime = Objects.requireNonNull(buildTime, "buildTime");
        return this;
    }

    /** Bits per search-tree record: 24, 28 or 32; 0 (the default) picks the smallest that fits. */
    public MmdbWriter recordSize(int bits) {
        if (bits != 0 && bits != 24 && bits != 28 && bits != 32) {
            throw new IllegalArgumentException("record size must be 24, 28, 32 or 0 (smallest that fits), but was " + bits);
        }
        this.recordSize = bits;
        return this;
    }

    /** Whether repeated strings are written once and pointed to; on by default. */
    public MmdbWriter usePointers(boolean usePointers) {
        this.usePointers = usePointers;
        return this;
    }

    /** Whether an IPv6 database aliases {@code ::ffff:0:0/96} and {@code 2002::/16} to its IPv4 networks; on by default. */
    public MmdbWriter aliasIpv4(boolean aliasIpv4) {
        this.aliasIpv4 = aliasIpv4;
        return this;
    }

    public MmdbWriter description(String language, String text) {
        description.put(language, text);
        return this;
    }

    public MmdbWriter language(String language) {
        languages.add(language);
        return this;
    }

    /**
     * Maps every address in {@code cidr} (e.g. {@code 81.2.69.0/24}, {@code 2a02:ec80::/29}) to
     * {@code data}, replacing what earlier inserts put there.
     */
    public MmdbWriter insert(String cidr, Object data) {
        var matcher = CIDR.matcher(cidr);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + cidr + "' is not an address/prefix-length network");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(matcher.group(1)); // a literal of these characters is never resolved
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + cidr + "' is not an address/prefix-length network", e);
        }
        return insert(address, Integer.parseInt(matcher.group(2)), data);
    }

    /** Maps every address in {@code network/prefixLength} to {@code data}. */
    public MmdbWriter insert(InetAddress network, int prefixLength, Object data) {
        Objects.requireNonNull(data, "data");
        if (written) {
            throw new IllegalStateException("networks cannot be added after toBytes(); start a new writer");
        }
        byte[] bytes = network.getAddress();
        int bits = bytes.length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length must be within [0, " + bits + "], but was " + prefixLength);
        }
        if (ipVersion == 4 && bytes.length == 16) {
            throw new IllegalArgumentException("an IPv4 database cannot hold " + network.getHostAddress() + "/" + prefixLength);
        }
        if (ipVersion == 6 && network instanceof Inet4Address) {
            bytes = Arrays.copyOf(new byte[12], 16);
            System.arraycopy(network.getAddress(), 0, bytes, 12, 4);
            prefixLength += 96;
        }
        validate(data);
        Leaf leaf = new Leaf(data);
        if (prefixLength == 0) {
            root.children[0] = leaf;
            root.children[1] = leaf;
            return this;
        }
        Node node = root;
        for (int depth = 0; depth < prefixLength - 1; depth++) {
            node = descend(node, bit(bytes, depth));
        }
        node.children[bit(bytes, prefixLength - 1)] = leaf;
        return this;
    }

    /** Writes the database to {@code file} atomically (a sibling temporary file, then a rename), and returns it. */
    public Path writeTo(Path file) {
        return writeAtomically(file, toBytes());
    }

    /**
     * Writes {@code bytes} to a sibling temporary file and renames it over {@code file}: the way
     * a database must be replaced while a reader has the old one memory-mapped.
     */
    public static Path writeAtomically(Path file, byte[] bytes) {
        try {
            Path directory = file.toAbsolutePath().getParent();
            Files.createDirectories(directory);
            Path temporary = Files.createTempFile(directory, file.getFileName().toString(), ".tmp");
            Files.write(temporary, bytes);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The complete database file. */
    public byte[] toBytes() {
        written = true;
        merge(root);
        Object ipv4Root = ipVersion == 6 && aliasIpv4 ? childAt(new byte[16], 96) : null;
        if (ipv4Root != null) {
            setChildAt(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0}, 96, ipv4Root);
            setChildAt(new byte[] {0x20, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 16, ipv4Root);
        }
        List<Node> nodes = numberNodes();
        Map<Node, Integer> numbers = new IdentityHashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            numbers.put(nodes.get(i), i);
        }

        Encoder data = new Encoder(usePointers);
        Map<Object, Long> dataOffsets = new HashMap<>();
        for (Node node : nodes) {
            for (Object child : node.children) {
                if (child instanceof Leaf leaf) {
                    dataOffsets.computeIfAbsent(leaf.data(), data::encodeTopLevel);
                }
            }
        }
        long nodeCount = nodes.size();
        long largestRecord = nodeCount + 16 + data.size();
        int bits = recordSize != 0 ? recordSize : largestRecord < (1L << 24) ? 24 : largestRecord < (1L << 28) ? 28 : 32;
        if (largestRecord >= (1L << bits)) {
            throw new IllegalStateException("record size " + bits + " cannot address " + largestRecord + " records");
        }

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Node node : nodes) {
            long left = recordValue(node.children[0], numbers, dataOffsets, nodeCount);
            long right = recordValue(node.children[1], numbers, dataOffsets, nodeCount);
            writeNode(out, bits, left, right);
        }
        out.writeBytes(new byte[16]);
        out.writeBytes(data.toByteArray());
        out.writeBytes(METADATA_MARKER);
        Encoder metadata = new Encoder(false);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("binary_format_major_version", uint16(2));
        meta.put("binary_format_minor_version", uint16(0));
        meta.put("build_epoch", uint64(buildTime.getEpochSecond()));
        meta.put("database_type", databaseType);
        meta.put("description", new LinkedHashMap<>(description));
        meta.put("ip_version", uint16(ipVersion));
        meta.put("languages", new ArrayList<>(languages));
        meta.put("node_count", uint32(nodeCount));
        meta.put("record_size", uint16(bits));
        metadata.encodeTopLevel(meta);
        out.writeBytes(metadata.toByteArray());
        return out.toByteArray();
    }

    /** An unsigned 16-bit integer value. */
    public static Unsigned uint16(int value) {
        return Unsigned.of(5, 2, BigInteger.valueOf(value));
    }

    /** An unsigned 32-bit integer value. */
    public static Unsigned uint32(long value) {
        return Unsigned.of(6, 4, BigInteger.valueOf(value));
    }

    /** An unsigned 64-bit integer value. */
    public static Unsigned uint64(long value) {
        return Unsigned.of(9, 8, BigInteger.valueOf(value));
    }

    /** An unsigned 64-bit integer value. */
    public static Unsigned uint64(BigInteger value) {
        return Unsigned.of(9, 8, value);
    }

    /** An unsigned 128-bit integer value. */
    public static Unsigned uint128(BigInteger value) {
        return Unsigned.of(10, 16, value);
    }

    /**
     * An unsigned integer of the MaxMind DB format.
     *
     * @param type     the format's type number: 5 uint16, 6 uint32, 9 uint64, 10 uint128
     * @param maxBytes the type's width
     * @param value    the value, within the type's range
     */
    public record Unsigned(int type, int maxBytes, BigInteger value) {

        static Unsigned of(int type, int maxBytes, BigInteger value) {
            if (value.signum() < 0 || value.bitLength() > maxBytes * 8) {
                throw new IllegalArgumentException(value + " does not fit an unsigned " + maxBytes * 8 + "-bit integer");
            }
            return new Unsigned(type, maxBytes, value);
        }
    }

    private static long recordValue(@Nullable Object child, Map<Node, Integer> numbers, Map<Object, Long> dataOffsets,
                                    long nodeCount) {
        if (child == null) {
            return nodeCount; // "no data"
        }
        if (child instanceof Node node) {
            return numbers.get(node);
        }
        return nodeCount + 16 + dataOffsets.get(((Leaf) child).data());
    }

    private static void writeNode(ByteArrayOutputStream out, int bits, long left, long right) {
        switch (bits) {
            case 24 -> {
                writeBigEndian(out, left, 3);
                writeBigEndian(out, right, 3);
            }
            case 28 -> {
                writeBigEndian(out, left & 0xFFFFFF, 3);
                out.write((int) (((left >>> 24) & 0x0F) << 4 | ((right >>> 24) & 0x0F)));
                writeBigEndian(out, right & 0xFFFFFF, 3);
            }
            default -> {
                writeBigEndian(out, left, 4);
                writeBigEndian(out, right, 4);
            }
        }
    }

    private static void writeBigEndian(ByteArrayOutputStream out, long value, int bytes) {
        for (int i = bytes - 1; i >= 0; i--) {
            out.write((int) (value >>> (8 * i)) & 0xFF);
        }
    }

    private static int bit(byte[] address, int index) {
        return (address[index / 8] >>> (7 - index % 8)) & 1;
    }

    /** Collapses nodes whose two halves are the same leaf, or both empty, into that child. */
    private static @Nullable Object merge(@Nullable Object child) {
        if (!(child instanceof Node node)) {
            return child;
        }
        node.children[0] = merge(node.children[0]);
        node.children[1] = merge(node.children[1]);
        Object left = node.children[0];
        Object right = node.children[1];
        boolean same = left == null ? right == null
                : left instanceof Leaf l && right instanceof Leaf r && l.data().equals(r.data());
        return same ? left : node;
    }

    private @Nullable Object childAt(byte[] address, int depth) {
        Object current = root;
        for (int i = 0; i < depth; i++) {
            if (!(current instanceof Node node)) {
                return current;
            }
            current = node.children[bit(address, i)];
        }
        return current;
    }

    private void setChildAt(byte[] address, int depth, @Nullable Object target) {
        Node node = root;
        for (int i = 0; i < depth - 1; i++) {
            node = descend(node, bit(address, i));
        }
        node.children[bit(address, depth - 1)] = target;
    }

    /** The child node on side {@code bit}, splitting a leaf or empty record into a node whose halves both keep it. */
    private static Node descend(Node node, int bit) {
        Object child = node.children[bit];
        if (child instanceof Node next) {
            return next;
        }
        Node split = new Node();
        split.children[0] = child;
        split.children[1] = child;
        node.children[bit] = split;
        return split;
    }

    private List<Node> numberNodes() {
        List<Node> order = new ArrayList<>();
        Map<Node, Boolean> seen = new IdentityHashMap<>();
        Deque<Node> queue = new ArrayDeque<>();
        queue.add(root);
        seen.put(root, true);
        while (!queue.isEmpty()) {
            Node node = queue.poll();
            order.add(node);
            for (Object child : node.children) {
                if (child instanceof Node next && seen.put(next, true) == null) {
                    queue.add(next);
                }
            }
        }
        return order;
    }

    private static void validate(Object value) {
        switch (value) {
            case String s -> { }
            case Double d -> { }
            case Float f -> { }
            case Boolean b -> { }
            case Integer i -> { }
            case Long l when l >= 0 -> { }
            case byte[] bytes -> { }
            case Unsigned u -> { }
            case Map<?, ?> map -> map.forEach((key, entry) -> {
                if (!(key instanceof String)) {
                    throw new IllegalArgumentException("map keys must be strings, but was " + key);
                }
                validate(Objects.requireNonNull(entry, "map value"));
            });
            case List<?> list -> list.forEach(element -> validate(Objects.requireNonNull(element, "list element")));
            default -> throw new IllegalArgumentException("the MaxMind DB format has no type for " + value
                    + " (" + value.getClass().getName() + ")");
        }
    }

    private static final class Node {
        final @Nullable Object[] children = new Object[2];
    }

    private record Leaf(Object data) {
    }

    /** The data-section encoder: values in the format's type-length-value layout. */
    private static final class Encoder {

        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final boolean usePointers;
        private final Map<String, Long> strings = new HashMap<>();

        Encoder(boolean usePointers) {
            this.usePointers = usePointers;
        }

        long size() {
            return out.size();
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }

        long encodeTopLevel(Object value) {
            long offset = out.size();
            encode(value);
            return offset;
        }

        private void encode(Object value) {
            switch (value) {
                case String s -> encodeString(s);
                case Double d -> {
                    control(3, 8);
                    writeBigEndian(out, Double.doubleToLongBits(d), 8);
                }
                case Float f -> {
                    control(15, 4);
                    writeBigEndian(out, Float.floatToIntBits(f) & 0xFFFFFFFFL, 4);
                }
                case Boolean b -> control(14, b ? 1 : 0);
                case Integer i -> {
                    control(8, 4);
                    writeBigEndian(out, i & 0xFFFFFFFFL, 4);
                }
                case Long l -> encodeUnsigned(new Unsigned(9, 8, BigInteger.valueOf(l)));
                case Unsigned u -> encodeUnsigned(u);
                case byte[] bytes -> {
                    control(4, bytes.length);
                    out.writeBytes(bytes);
                }
                case Map<?, ?> map -> {
                    control(7, map.size());
                    map.forEach((key, entry) -> {
                        encodeString((String) key);
                        encode(entry);
                    });
                }
                case List<?> list -> {
                    control(11, list.size());
                    list.forEach(this::encode);
                }
                default -> throw new IllegalArgumentException("cannot encode " + value);
            }
        }

        private void encodeString(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            if (usePointers && utf8.length >= 3) {
                Long earlier = strings.get(s);
                if (earlier != null) {
                    pointer(earlier);
                    return;
                }
                strings.put(s, (long) out.size());
            }
            control(2, utf8.length);
            out.writeBytes(utf8);
        }

        private void encodeUnsigned(Unsigned u) {
            byte[] magnitude = u.value().toByteArray(); // big-endian two's complement, maybe a leading 0
            int start = 0;
            while (start < magnitude.length && magnitude[start] == 0) {
                start++;
            }
            int length = magnitude.length - start;
            control(u.type(), length);
            out.write(magnitude, start, length);
        }

        /** The control byte (and extended type byte, and size bytes) of a value. */
        private void control(int type, int size) {
            int typeBits = type <= 7 ? type : 0;
            if (size < 29) {
                out.write(typeBits << 5 | size);
                extendedType(type);
            } else if (size < 29 + 256) {
                out.write(typeBits << 5 | 29);
                extendedType(type);
                out.write(size - 29);
            } else if (size < 285 + 65_536) {
                out.write(typeBits << 5 | 30);
                extendedType(type);
                writeBigEndian(out, size - 285, 2);
            } else {
                out.write(typeBits << 5 | 31);
                extendedType(type);
                writeBigEndian(out, size - 65_821, 3);
            }
        }

        private void extendedType(int type) {
            if (type > 7) {
                out.write(type - 7);
            }
        }

        /** A pointer to {@code offset} in the data section, in the shortest of the four forms. */
        private void pointer(long offset) {
            if (offset < 2_048) {
                out.write(0x20 | (int) (offset >>> 8));
                writeBigEndian(out, offset, 1);
            } else if (offset < 2_048 + 524_288) {
                long value = offset - 2_048;
                out.write(0x20 | 1 << 3 | (int) (value >>> 16));
                writeBigEndian(out, value, 2);
            } else if (offset < 526_336 + 134_217_728) {
                long value = offset - 526_336;
                out.write(0x20 | 2 << 3 | (int) (value >>> 24));
                writeBigEndian(out, value, 3);
            } else {
                out.write(0x20 | 3 << 3);
                writeBigEndian(out, offset, 4);
            }
        }
    }
}
