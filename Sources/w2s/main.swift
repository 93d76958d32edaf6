print("w2s: under construction")
