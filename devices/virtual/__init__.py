"""Virtual devices for the demo and the tests: a SITHS-shaped test PKI (``pki``), a virtual
PIV card engine (``card``), a card factory (``factory``), the vpcd link that puts the card
on the real PC/SC stack (``vpcd``), the pcscd lifecycle helper (``pcscd``) and the virtual
document scanner (``scanner``)."""
