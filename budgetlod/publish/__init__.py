"""The publish stage: JSON-LD (context and frames), the DCAT-AP catalogue, VoID and the static site."""
