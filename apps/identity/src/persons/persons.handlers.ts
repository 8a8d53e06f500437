import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { IdentityCmd, SignInRequest, type SignInResponse, SignUpRequest, type SignUpResponse } from '@carevault/contracts';
import { PersonsService } from './persons.service';

@Controller()
export class PersonsHandlers {
  constructor(private readonly persons: PersonsService) {}

  @MessagePattern(IdentityCmd.SignUp)
  signUp(@Payload() dto: SignUpRequest): Promise<SignUpResponse> {
    return this.persons.signUp(dto);
  }

  @MessagePattern(IdentityCmd.SignIn)
  signIn(@Payload() dto: SignInRequest): Promise<SignInResponse> {
    return this.persons.signIn(dto);
  }
}
