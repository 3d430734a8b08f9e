# Scheme comparison with SVG plots (issue: piikit compare).
