"""The daemon's local socket: ``check`` hands its workbooks to a running daemon on the same
workspace, which reads them with its warm parse worker."""
