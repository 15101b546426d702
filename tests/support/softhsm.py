"""SoftHSM2 cards for tests: a second PKCS#11 implementation (Debian ``softhsm2``) that we
did not write, with SO login and ``C_InitPIN`` (the PUK unblock OpenSC's PIV driver lacks).

A one-PIN card is one token; a two-PIN card is two tokens, the second labelled
``<name> (signing)`` with the signing key and certificate and a PIN of its own, as the
kiosk's PKCS#11 backend expects of a two-PIN card. The PUK is each token's SO PIN. Keys
go in with ``softhsm2-util --import``, certificates with OpenSC's ``pkcs11-tool``.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
)

from devices.virtual.pki import HolderCredentials, SlotCredential

SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
KEY_IDS = {0x9A: "01", 0x9C: "02", 0x9D: "03", 0x9E: "04"}


def softhsm_available() -> bool:
    return Path(SOFTHSM_MODULE).exists() and shutil.which("softhsm2-util") is not None


@dataclass
class SoftHsm:
    """A private SoftHSM2 token directory; ``env`` is what a process needs to see it."""

    root: Path
    env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def create(cls, root: Path) -> SoftHsm:
        tokens = root / "tokens"
        tokens.mkdir(parents=True)
        conf = root / "softhsm2.conf"
        conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n")
        return cls(root, {"SOFTHSM2_CONF": str(conf)})

    def _run(self, *args: str) -> None:
        import os

        subprocess.run(
            args, check=True, capture_output=True, env={**os.environ, **self.env}, timeout=60
        )

    def _token(self, label: str, pin: str, puk: str) -> None:
        self._run(
            "softhsm2-util", "--init-token", "--free", "--label", label,
            "--so-pin", puk, "--pin", pin,
        )  # fmt: skip

    def _put(self, label: str, pin: str, slot: int, credential: SlotCredential) -> None:
        key_file = self.root / f"{label}-{slot:02X}.pem"
        key_file.write_bytes(
            credential.key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        )
        self._run(
            "softhsm2-util", "--import", str(key_file), "--token", label,
            "--id", KEY_IDS[slot], "--label", f"key {slot:02X}", "--pin", pin,
        )  # fmt: skip
        key_file.unlink()
        cert_file = self.root / f"{label}-{slot:02X}.der"
        cert_file.write_bytes(credential.cert.public_bytes(Encoding.DER))
        self._run(
            "pkcs11-tool", "--module", SOFTHSM_MODULE, "--token-label", label,
            "--login", "--pin", pin, "--write-object", str(cert_file), "--type", "cert",
            "--id", KEY_IDS[slot], "--label", f"certificate {slot:02X}",
        )  # fmt: skip

    def add_card(
        self,
        name: str,
        holder: HolderCredentials,
        *,
        pin: str,
        puk: str,
        signing_pin: str | None = None,
    ) -> None:
        """A card named ``name`` (what the kiosk matches the reader patterns against);
        with ``signing_pin`` the signing key sits in a token of its own."""
        self._token(name, pin, puk)
        slots = holder.slots()
        signing = slots.pop(0x9C, None)
        for slot, credential in slots.items():
            self._put(name, pin, slot, credential)
        if signing is None:
            return
        if signing_pin is None:
            self._put(name, pin, 0x9C, signing)
            return
        signing_label = f"{name} (signing)"
        self._token(signing_label, signing_pin, puk)
        self._put(signing_label, signing_pin, 0x9C, signing)
