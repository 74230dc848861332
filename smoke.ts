import { GrpcPeer } from '@portcullis/grpc';
import { identityV1, PROTO_FILES, PROTO_PACKAGES } from '@portcullis/contracts';
(async () => {
  const peer = new GrpcPeer<identityV1.IdentityServiceClient>({ url: '127.0.0.1:50161', protoPath: PROTO_FILES.identity, packageName: PROTO_PACKAGES.identity, serviceName: 'IdentityService', deadlineMs: 3000 });
  const t = await peer.call('createTenant', { name: 'Shop' });
  console.log(JSON.stringify(t));
  const u = await peer.call('createUser', { tenantId: t.tenant!.id, externalId: 'cust-1', email: 'Jane@Example.com', phoneNumber: '+44 7700 900123' });
  console.log(JSON.stringify(u));
  try { await peer.call('createUser', { tenantId: t.tenant!.id, externalId: 'cust-1', email: '', phoneNumber: '' }); } catch (e: any) { console.log('dup', e.kind, e.code, e.message); }
  try { await peer.call('createUser', { tenantId: 'nope', externalId: '', email: 'x', phoneNumber: '123' }); } catch (e: any) { console.log('bad', e.kind, e.code, JSON.stringify(e.details)); }
  try { await peer.call('getUser', { tenantId: t.tenant!.id }); } catch (e: any) { console.log('bad2', e.kind, e.code, JSON.stringify(e.details)); }
  const g = await peer.call('getUser', { tenantId: t.tenant!.id, externalId: 'cust-1' });
  console.log(JSON.stringify(g));
  peer.close();
})();
