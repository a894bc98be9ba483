import { useEffect, useState } from 'react';
import { Content, Header, InfoCard, Page } from '@backstage/core-components';
import { BackstageUserIdentity, identityApiRef, ProfileInfo, useApi } from '@backstage/frontend-plugin-api';
import { Button } from '@material-ui/core';

/** What the signed-in user sees: profile, Backstage identity, and a way out. */
export const ProfilePage = () => {
  const identityApi = useApi(identityApiRef);
  const [profile, setProfile] = useState<ProfileInfo>();
  const [identity, setIdentity] = useState<BackstageUserIdentity>();

  useEffect(() => {
    identityApi.getProfileInfo().then(setProfile);
    identityApi.getBackstageIdentity().then(setIdentity);
  }, [identityApi]);

  return (
    <Page themeId="home">
      <Header title="Signed in with backstage-oauth2-wasm" subtitle="The new frontend system, whose OAuth2 client is WebAssembly" />
      <Content>
        <InfoCard title="Profile">
          <p data-testid="display-name">{profile?.displayName}</p>
          <p data-testid="email">{profile?.email}</p>
        </InfoCard>
        <InfoCard title="Backstage identity">
          <p data-testid="user-entity-ref">{identity?.userEntityRef}</p>
          <p data-testid="ownership">{identity?.ownershipEntityRefs.join(', ')}</p>
        </InfoCard>
        <Button variant="contained" color="primary" onClick={() => identityApi.signOut()}>
          Sign out
        </Button>
      </Content>
    </Page>
  );
};
