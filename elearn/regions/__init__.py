"""Administrative units and the province -> commune picker."""
