"""motions: draft French municipal council motions against automated biometric
surveillance, for any commune, as DOCX and PDF, from a library of sourced arguments."""

__version__ = "0.1.0"
