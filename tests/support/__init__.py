"""What the tests share besides fixtures: fakes of the ports, workbooks, workspaces, waiting,
the daemon, mail, accounts and the crash invariants. Test modules import from here, never
from each other."""
