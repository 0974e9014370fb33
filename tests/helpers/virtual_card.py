"""A smart-card emulator that plugs into a vpcd virtual reader: card presence and identity.

What it is for: the card tests insert and remove a card in a real pcscd (pcsc_stack.py).
`insert()` opens a TCP connection to vpcd, `remove()` closes it. The card gives presence, an
ATR and its identity (serial number, holder name, RPPS); the signing key is not here but on the
SoftHSM token of softhsm_token.py.

The vpcd protocol (vsmartcard): the card connects to vpcd's port (127.0.0.1:35963 for a
system-wide vpcd; pcsc_stack.py picks its own port). Each frame is a 2-byte big-endian length
then the payload. A 1-byte payload is a control: 0 power off, 1 power on, 2 reset, 4 "send the
ATR" (answered with the ATR; vpcd asks for it at every presence poll, about every 400 ms, and
takes a closed connection for a removed card). Any other payload is a command APDU, answered
with the response data followed by the status word.

The ISO 7816-4 subset answered (short APDUs only):
- SELECT by AID  `00 A4 04 0C|00 Lc AID`          -> 9000 (with an FCI when P2 = 00), or 6A82;
- SELECT EF      `00 A4 02|00 0C 02 FID`           -> 9000 or 6A82 (EF D001 serial, D002 holder
  name UTF-8, D003 RPPS);
- READ BINARY    `00 B0 offset Le`                 -> data 9000, 6986 without a selected EF;
- GET DATA       `00 CA 00 5A Le` (serial), `00 CA 5F 20 Le` (holder name) -> value 9000 / 6A88;
- IDENTIFY       `80 10 00 00 00` (this emulator's own, no crypto) -> TLV 5A serial,
  5F20 holder, C1 RPPS, then 9000;
- anything else: 6D00 (instruction), 6E00 (class), 6A86 (P1-P2), 6700 (length); 6985 when the
  application is not selected.

Must never: be taken for a CPS card. The default ATR's historical bytes say "CABINET-TEST",
and the card answers to nobody but the vpcd port it was given.
"""

import contextlib
import socket
import struct
import threading
from dataclasses import dataclass, field

APPLICATION_AID = bytes.fromhex("F0434142494E4554")  # proprietary range F0 + "CABINET"
EF_SERIAL, EF_HOLDER, EF_RPPS = 0xD001, 0xD002, 0xD003
TAG_SERIAL, TAG_HOLDER, TAG_RPPS = 0x5A, 0x5F20, 0xC1
CLA_PROPRIETARY, INS_IDENTIFY = 0x80, 0x10
CTRL_OFF, CTRL_ON, CTRL_RESET, CTRL_ATR = 0, 1, 2, 4

OK = b"\x90\x00"
WRONG_LENGTH = b"\x67\x00"
NOT_SELECTED = b"\x69\x85"
NO_CURRENT_EF = b"\x69\x86"
FILE_NOT_FOUND = b"\x6a\x82"
WRONG_P1P2 = b"\x6a\x86"
DATA_NOT_FOUND = b"\x6a\x88"
WRONG_OFFSET = b"\x6b\x00"
UNKNOWN_INS = b"\x6d\x00"
UNKNOWN_CLA = b"\x6e\x00"


def make_atr(historical: bytes) -> bytes:
    """A T=1 ATR: TS 3B, T0 (TD1, K), TD1 (TD2, T=0), TD2 (T=1), historical bytes, TCK."""
    if len(historical) > 15:
        raise ValueError("at most 15 historical bytes")
    body = bytes([0x80 | len(historical), 0x80, 0x01]) + historical
    check = 0
    for byte in body:
        check ^= byte
    return b"\x3b" + body + bytes([check])


DEFAULT_ATR = make_atr(b"CABINET-TEST")


def tlv(tag: int, value: bytes) -> bytes:
    """BER-TLV with a 1- or 2-byte tag and a short (< 128) length."""
    if len(value) > 127:
        raise ValueError("value too long for this emulator")
    tag_bytes = tag.to_bytes(2 if tag > 0xFF else 1, "big")
    return tag_bytes + bytes([len(value)]) + value


@dataclass
class VirtualCard:
    """One card. `respond()` is the card's logic; `insert()`/`remove()` move it in and out."""

    port: int
    serial: str = "0000000000000001"
    holder: str = "Dr Jeanne Martin"
    rpps: str = "10101010101"
    atr: bytes = DEFAULT_ATR
    host: str = "127.0.0.1"
    apdus: list[tuple[bytes, bytes]] = field(default_factory=list)  # (command, response)
    _socket: socket.socket | None = field(default=None, init=False, repr=False)
    _thread: threading.Thread | None = field(default=None, init=False, repr=False)
    _application_selected: bool = field(default=False, init=False, repr=False)
    _current_ef: int | None = field(default=None, init=False, repr=False)

    @property
    def inserted(self) -> bool:
        return self._socket is not None

    def insert(self) -> None:
        """Connect to vpcd: the card is in the reader once vpcd polls (at most ~0.4 s)."""
        if self._socket is not None:
            raise RuntimeError("the card is already inserted")
        try:
            connection = socket.create_connection((self.host, self.port), timeout=5)
        except OSError as error:
            raise RuntimeError(f"vpcd is not listening on {self.host}:{self.port} "
                               "(is the card_reader fixture / pcscd running?)") from error
        connection.settimeout(None)
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._quickack(connection)
        self._socket = connection
        self._thread = threading.Thread(target=self._serve, args=(connection,),
                                        name=f"virtual-card-{self.serial}", daemon=True)
        self._thread.start()

    def remove(self) -> None:
        """Close the connection: vpcd reports the card gone at its next poll."""
        connection, self._socket = self._socket, None
        if connection is None:
            return
        with contextlib.suppress(OSError):  # vpcd may have closed first
            connection.shutdown(socket.SHUT_RDWR)
        connection.close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    @staticmethod
    def _quickack(connection: socket.socket) -> None:
        if hasattr(socket, "TCP_QUICKACK"):  # Linux only; must be set again after reads
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)

    def _serve(self, connection: socket.socket) -> None:
        try:
            while True:
                header = self._read_exactly(connection, 2)
                if header is None:
                    return
                payload = self._read_exactly(connection, struct.unpack(">H", header)[0])
                if payload is None:
                    return
                answer = self.control(payload[0]) if len(payload) == 1 else self.respond(payload)
                if answer is not None:
                    connection.sendall(struct.pack(">H", len(answer)) + answer)
        except OSError:
            return  # removed while talking

    @classmethod
    def _read_exactly(cls, connection: socket.socket, size: int) -> bytes | None:
        data = b""
        while len(data) < size:
            chunk = connection.recv(size - len(data))
            if not chunk:
                return None
            # vpcd writes the length and the payload separately, without TCP_NODELAY: ACK the
            # length at once, or Nagle holds the payload back until our delayed ACK (40 ms).
            cls._quickack(connection)
            data += chunk
        return data

    def control(self, code: int) -> bytes | None:
        """Power and ATR controls; only the ATR request is answered."""
        if code == CTRL_ATR:
            return self.atr
        if code in (CTRL_OFF, CTRL_ON, CTRL_RESET):
            self._application_selected, self._current_ef = False, None
        return None

    def respond(self, apdu: bytes) -> bytes:
        """Answer one command APDU with response data + status word."""
        response = self._respond(apdu)
        self.apdus.append((apdu, response))
        return response

    def _files(self) -> dict[int, bytes]:
        return {EF_SERIAL: self.serial.encode("ascii"), EF_HOLDER: self.holder.encode("utf-8"),
                EF_RPPS: self.rpps.encode("ascii")}

    def _respond(self, apdu: bytes) -> bytes:
        parsed = parse_apdu(apdu)
        if parsed is None:
            return WRONG_LENGTH
        cla, ins, p1, p2, data, le = parsed
        if cla == CLA_PROPRIETARY:
            if ins != INS_IDENTIFY:
                return UNKNOWN_INS
            if not self._application_selected:
                return NOT_SELECTED
            return (tlv(TAG_SERIAL, self.serial.encode("ascii"))
                    + tlv(TAG_HOLDER, self.holder.encode("utf-8"))
                    + tlv(TAG_RPPS, self.rpps.encode("ascii")) + OK)
        if cla != 0x00:
            return UNKNOWN_CLA
        if ins == 0xA4:
            return self._select(p1, p2, data)
        if ins == 0xB0:
            return self._read_binary(p1, p2, le)
        if ins == 0xCA:
            if not self._application_selected:
                return NOT_SELECTED
            values = {TAG_SERIAL: self.serial.encode("ascii"),
                      TAG_HOLDER: self.holder.encode("utf-8")}
            value = values.get(p1 << 8 | p2)
            return DATA_NOT_FOUND if value is None else value[: le or 256] + OK
        return UNKNOWN_INS

    def _select(self, p1: int, p2: int, data: bytes) -> bytes:
        if p1 == 0x04:
            if data != APPLICATION_AID:
                return FILE_NOT_FOUND
            self._application_selected, self._current_ef = True, None
            if p2 & 0x0C == 0x0C:
                return OK
            return tlv(0x6F, tlv(0x84, APPLICATION_AID)) + OK
        if p1 in (0x00, 0x02):
            if len(data) != 2:
                return WRONG_LENGTH
            file_id = int.from_bytes(data, "big")
            if not self._application_selected or file_id not in self._files():
                return FILE_NOT_FOUND
            self._current_ef = file_id
            return OK
        return WRONG_P1P2

    def _read_binary(self, p1: int, p2: int, le: int) -> bytes:
        if p1 & 0x80:
            return WRONG_P1P2  # short EF identifiers: not supported
        if self._current_ef is None:
            return NO_CURRENT_EF
        content, offset = self._files()[self._current_ef], p1 << 8 | p2
        if offset > len(content):
            return WRONG_OFFSET
        return content[offset: offset + (le or 256)] + OK


def parse_apdu(apdu: bytes) -> tuple[int, int, int, int, bytes, int] | None:
    """(CLA, INS, P1, P2, data, Le) of a short command APDU (ISO 7816-3 cases 1-4), or None."""
    if len(apdu) < 4:
        return None
    cla, ins, p1, p2 = apdu[:4]
    body = apdu[4:]
    if not body:
        return cla, ins, p1, p2, b"", 0  # case 1
    if len(body) == 1:
        return cla, ins, p1, p2, b"", body[0]  # case 2 (Le = 0 means 256)
    size = body[0]
    if size == 0:
        return None  # extended length: not supported
    if len(body) == 1 + size:
        return cla, ins, p1, p2, body[1:], 0  # case 3
    if len(body) == 2 + size:
        return cla, ins, p1, p2, body[1:-1], body[-1]  # case 4
    return None
