"""The physician's card: presence through PC/SC (pyscard), keys through PKCS#11."""
