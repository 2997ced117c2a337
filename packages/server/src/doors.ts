// The service's two doors, opened at start-up: admission (Redis) and the store (Postgres). Redis
// is connected first, then Postgres must answer; whichever fails, what was opened is closed and
// the error names the dependency.
import type { Admission, ObserveCall } from './admission/admission.js';
import { connectAdmission } from './admission/connect.js';
import type { ServerConfig } from './config/settings.js';
import { UnavailableError } from './errors.js';
import type { Logger } from './observe/log.js';
import { createPgStore } from './store/pg/pg-store.js';
import type { SaleStore } from './store/sale-store.js';

export type Doors = { admission: Admission; store: SaleStore };

export async function openDoors(
  config: Readonly<ServerConfig>,
  log: Logger,
  observeCall?: ObserveCall,
): Promise<Doors> {
  const store = createPgStore(
    { databaseUrl: config.databaseUrl, size: config.pgPoolSize, applicationName: 'flashsale' },
    log,
  );
  let admission: Admission;
  try {
    admission = await connectAdmission(config, log, observeCall);
  } catch (error) {
    await store.close();
    throw error;
  }
  try {
    await store.ping();
  } catch (error) {
    await admission.close();
    await store.close();
    throw new UnavailableError('postgres', error);
  }
  return { admission, store };
}
