// Probes module
