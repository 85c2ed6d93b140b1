package io.llmclient.inbound.support.disconnect;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the kernel's TCP tables, {@code /proc/net/tcp} and {@code /proc/net/tcp6}: the state of each
 * connection, by its two ends. Pure: it is given the text, {@link ClientDisconnects} reads the files.
 *
 * <p>The format, one connection a line after a header line:
 * <pre>
 *   sl  local_address rem_address   st tx_queue ...
 *    4: 0100007F:9105 0100007F:8236 08 00000000:00000001 ...
 * </pre>
 * An address is the kernel's 32-bit words printed in hex as the machine holds them: IPv4 one word
 * ({@code 0100007F} is 127.0.0.1 on a little-endian machine), IPv6 four ({@code ::1} is
 * {@code 00000000000000000000000001000000}); the port is plain hex. A connection accepted by a
 * dual-stack IPv6 socket from an IPv4 client is listed in {@code tcp6} with an IPv4-mapped address
 * ({@code 0000000000000000FFFF00000100007F}), which is read here as the IPv4 address Java reports.
 * {@code st} is the TCP state: {@value #ESTABLISHED} established, {@value #CLOSE_WAIT} CLOSE_WAIT,
 * the peer has closed its side and this side has not.
 */
final class ProcNetTcp {
    /** TCP_ESTABLISHED. */
    static final int ESTABLISHED = 0x01;
    /** TCP_CLOSE_WAIT: the peer sent its FIN (it closed, or shut its side down); this side is still open. */
    static final int CLOSE_WAIT = 0x08;

    private static final int IPV4_HEX = 8;
    private static final int IPV6_HEX = 32;

    private ProcNetTcp() {
    }

    /** One connection by its two ends, addresses compared by their bytes alone (no host name, no scope). */
    record Ends(InetSocketAddress local, InetSocketAddress remote) {
        Ends {
            Objects.requireNonNull(local, "local");
            Objects.requireNonNull(remote, "remote");
        }

        /** The ends of a connection as its socket reports them; empty when either is not an IP address. */
        static Optional<Ends> of(SocketAddress local, SocketAddress remote) {
            if (local instanceof InetSocketAddress l && remote instanceof InetSocketAddress r
                    && l.getAddress() != null && r.getAddress() != null) {
                return Optional.of(new Ends(plain(l.getAddress().getAddress(), l.getPort()),
                        plain(r.getAddress().getAddress(), r.getPort())));
            }
            return Optional.empty();
        }
    }

    /**
     * The state of each connection listed in {@code table} (the text of {@code tcp}, of {@code tcp6},
     * or of both one after the other) whose local port is one of {@code localPorts}, its addresses
     * read in the native byte order. Lines it cannot read (the header, anything unexpected) are skipped.
     */
    static Map<Ends, Integer> states(CharSequence table, Set<Integer> localPorts) {
        return states(table, localPorts, ByteOrder.nativeOrder());
    }

    /** As above, with the byte order of the machine the table was written on. */
    static Map<Ends, Integer> states(CharSequence table, Set<Integer> localPorts, ByteOrder order) {
        var states = new HashMap<Ends, Integer>();
        int start = 0;
        int length = table.length();
        while (start < length) {
            int end = start;
            while (end < length && table.charAt(end) != '\n') {
                end++;
            }
            readLine(table, start, end, localPorts, order, states);
            start = end + 1;
        }
        return states;
    }

    // "  4: 0100007F:9105 0100007F:8236 08 ...": slot, local, remote, state; the rest is not needed.
    private static void readLine(CharSequence table, int from, int to, Set<Integer> localPorts, ByteOrder order,
                                 Map<Ends, Integer> states) {
        int[] fields = new int[8];
        int found = 0;
        int at = from;
        while (found < fields.length && at < to) {
            while (at < to && table.charAt(at) == ' ') {
                at++;
            }
            if (at == to) {
                break;
            }
            fields[found++] = at;
            while (at < to && table.charAt(at) != ' ') {
                at++;
            }
            fields[found++] = at;
        }
        if (found < 8 || table.charAt(fields[1] - 1) != ':' || fields[7] - fields[6] != 2) {
            return;
        }
        try {
            int localColon = colon(table, fields[2], fields[3]);
            int localPort = hex(table, localColon + 1, fields[3]);
            if (!localPorts.contains(localPort)) {
                return;
            }
            int remoteColon = colon(table, fields[4], fields[5]);
            var local = plain(address(table, fields[2], localColon, order), localPort);
            var remote = plain(address(table, fields[4], remoteColon, order),
                    hex(table, remoteColon + 1, fields[5]));
            states.put(new Ends(local, remote), hex(table, fields[6], fields[7]));
        } catch (IllegalArgumentException unreadable) {
            // Not a connection line this reader knows: skipped.
        }
    }

    private static int colon(CharSequence table, int from, int to) {
        for (int at = from; at < to; at++) {
            if (table.charAt(at) == ':') {
                return at;
            }
        }
        throw new IllegalArgumentException("no port");
    }

    private static int hex(CharSequence table, int from, int to) {
        if (to - from < 1 || to - from > 8) {
            throw new IllegalArgumentException("not a hex number");
        }
        return HexFormat.fromHexDigits(table, from, to);
    }

    // Each 32-bit word is printed as the machine holds it: on a little-endian machine its bytes read backwards.
    private static byte[] address(CharSequence table, int from, int to, ByteOrder order) {
        int digits = to - from;
        if (digits != IPV4_HEX && digits != IPV6_HEX) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 address");
        }
        byte[] bytes = new byte[digits / 2];
        for (int word = 0; word < digits / IPV4_HEX; word++) {
            int value = HexFormat.fromHexDigits(table, from + word * IPV4_HEX, from + (word + 1) * IPV4_HEX);
            if (order == ByteOrder.LITTLE_ENDIAN) {
                value = Integer.reverseBytes(value);
            }
            bytes[word * 4] = (byte) (value >>> 24);
            bytes[word * 4 + 1] = (byte) (value >>> 16);
            bytes[word * 4 + 2] = (byte) (value >>> 8);
            bytes[word * 4 + 3] = (byte) value;
        }
        return bytes;
    }

    // InetAddress.getByAddress turns an IPv4-mapped IPv6 address into the IPv4 address, as sockets report it.
    private static InetSocketAddress plain(byte[] address, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(address), port);
        } catch (UnknownHostException wrongLength) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 address", wrongLength);
        }
    }
}
