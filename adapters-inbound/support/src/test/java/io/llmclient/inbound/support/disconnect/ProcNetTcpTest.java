package io.llmclient.inbound.support.disconnect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * On tables recorded on an x86-64 Linux machine (little-endian) by a Python script holding loopback
 * connections open: 47395 (IPv4, open), 55973 (IPv4, client closed), 50223 (::1, client closed),
 * 57299 (::1, open), 49347 (a dual-stack IPv6 server socket, IPv4 client closed). Each table also
 * lists the listening sockets and the closed clients' ends (FIN_WAIT2).
 */
class ProcNetTcpTest {
    private static final String TCP = recorded("tcp");
    private static final String TCP6 = recorded("tcp6");
    private static final String BOTH = TCP + TCP6;

    private static String recorded(String table) {
        try (InputStream in = ProcNetTcpTest.class.getResourceAsStream("/proc-net/" + table)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException | NullPointerException missing) {
            throw new IllegalStateException("recorded table " + table + " missing", missing);
        }
    }

    private static InetSocketAddress at(String address, int port) throws IOException {
        return new InetSocketAddress(InetAddress.getByName(address), port);
    }

    private static Map<ProcNetTcp.Ends, Integer> states(int localPort) {
        return ProcNetTcp.states(BOTH, Set.of(localPort), ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void anIpv4ConnectionWhoseClientClosedIsInCloseWait() throws IOException {
        var ends = new ProcNetTcp.Ends(at("127.0.0.1", 55973), at("127.0.0.1", 0xAA4A));
        assertEquals(ProcNetTcp.CLOSE_WAIT, states(55973).get(ends));
    }

    @Test
    void anOpenIpv4ConnectionIsEstablished() throws IOException {
        var ends = new ProcNetTcp.Ends(at("127.0.0.1", 47395), at("127.0.0.1", 0x816E));
        assertEquals(ProcNetTcp.ESTABLISHED, states(47395).get(ends));
    }

    @Test
    void anIpv6ConnectionWhoseClientClosedIsInCloseWait() throws IOException {
        var ends = new ProcNetTcp.Ends(at("::1", 50223), at("::1", 0xA16A));
        assertEquals(ProcNetTcp.CLOSE_WAIT, states(50223).get(ends));
    }

    @Test
    void anOpenIpv6ConnectionIsEstablished() throws IOException {
        var ends = new ProcNetTcp.Ends(at("::1", 57299), at("::1", 0xA65C));
        assertEquals(ProcNetTcp.ESTABLISHED, states(57299).get(ends));
    }

    @Test
    void anIpv4ClientOfADualStackSocketIsListedInTcp6AndReadAsIpv4() throws IOException {
        var ends = new ProcNetTcp.Ends(at("127.0.0.1", 49347), at("127.0.0.1", 0x96F6));
        assertEquals(Map.of(ends, ProcNetTcp.CLOSE_WAIT),
                ProcNetTcp.states(TCP6, Set.of(49347), ByteOrder.LITTLE_ENDIAN).entrySet().stream()
                        .filter(entry -> entry.getKey().remote().getPort() != 0)
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    @Test
    void theEndsASocketReportsMatchTheTablesWhateverTheAddressFamily() throws IOException {
        var mapped = InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF,
                127, 0, 0, 1});
        var reported = ProcNetTcp.Ends.of(new InetSocketAddress(mapped, 49347), at("127.0.0.1", 0x96F6));
        assertEquals(ProcNetTcp.CLOSE_WAIT, states(49347).get(reported.orElseThrow()));
    }

    @Test
    void onlyConnectionsOnTheGivenLocalPortsAreRead() throws IOException {
        // Port 55973: its listening socket and its server end; not the client ends, whose local ports differ.
        assertEquals(Set.of(new ProcNetTcp.Ends(at("127.0.0.1", 55973), at("0.0.0.0", 0)),
                new ProcNetTcp.Ends(at("127.0.0.1", 55973), at("127.0.0.1", 0xAA4A))), states(55973).keySet());
        assertEquals(Map.of(), states(8080));
    }

    @Test
    void headerLinesAndLinesOfAnotherShapeAreSkipped() {
        String table = "  sl  local_address rem_address   st tx_queue\n"
                + "   1: not-an-address 0100007F:AA4A 08 00000000:00000000\n"
                + "   2: 0100007F:DAA5 0100007F:AA4A\n"
                + "   3: 0100007F:DAA5 0100007F:AA4A 8 00000000:00000000\n"
                + "garbage\n\n";
        assertEquals(Map.of(), ProcNetTcp.states(table, Set.of(55973), ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void anIpv6AddressIsReadWordByWordInTheMachinesByteOrder() throws IOException {
        // Not recorded: 2001:db8::1 port 8080 as a little-endian kernel prints it (each 32-bit word's bytes reversed).
        String table = "   0: B80D0120000000000000000001000000:1F90 B80D0120000000000000000002000000:C350 08 0\n";
        var ends = new ProcNetTcp.Ends(at("2001:db8::1", 8080), at("2001:db8::2", 50000));
        assertEquals(Map.of(ends, ProcNetTcp.CLOSE_WAIT),
                ProcNetTcp.states(table, Set.of(8080), ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void aBigEndianMachinesTableIsReadAsPrinted() throws IOException {
        String table = "   0: 7F000001:1F90 7F000001:C350 08 0\n";
        assertEquals(Map.of(new ProcNetTcp.Ends(at("127.0.0.1", 8080), at("127.0.0.1", 50000)), ProcNetTcp.CLOSE_WAIT),
                ProcNetTcp.states(table, Set.of(8080), ByteOrder.BIG_ENDIAN));
    }

    @Test
    void anAddressThatIsNotAnIpSocketAddressHasNoEnds() {
        assertTrue(ProcNetTcp.Ends.of(java.net.UnixDomainSocketAddress.of("/tmp/x"),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 1)).isEmpty());
        assertEquals(Optional.empty(), ProcNetTcp.Ends.of(InetSocketAddress.createUnresolved("localhost", 1),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 1)));
    }
}
