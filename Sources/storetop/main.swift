print("storetop: under construction")
