"""Identity documents: ICAO 9303 machine-readable zones, accepted kinds (R1), names."""
