import numpy as np
import ehub
m = ehub.lp.Model()  # one hour: serve 6000 kW from the grid (0.9 CNY/kWh) and a 4000 kW CHP (0.6 CNY/kWh)
grid_kw = m.add_var(0, np.inf, obj=0.9)
chp_kw = m.add_var(0, 4000, obj=0.6)
m.add_row(6000, 6000, [grid_kw, chp_kw], [1.0, 1.0])  # electricity balance
r = ehub.lp.solve(m, solver="clp")
print(ehub.__version__, r.status, "cost", r.objective, "CNY, CHP", r.x[chp_kw], "kW")
