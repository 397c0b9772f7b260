import { InProcessBus, simulateCrash } from '../../src/transport/in-process-bus.ts';
import { busContract } from './bus-contract.ts';

busContract('in-process bus', { create: () => new InProcessBus(), crash: simulateCrash });
