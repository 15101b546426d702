"""Checking a card's signature with the public key of its certificate."""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa


def verify_signature(cert: x509.Certificate, signature: bytes, message: bytes) -> None:
    """Raises ``InvalidSignature`` unless ``signature`` over ``message`` is the cert's key's."""
    public = cert.public_key()
    if isinstance(public, ec.EllipticCurvePublicKey):
        public.verify(signature, message, ec.ECDSA(hashes.SHA256()))
    else:
        assert isinstance(public, rsa.RSAPublicKey)
        public.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
